-- users.unlimited_points derived by the database from `groups`: a user has unlimited points
-- while they are the linked admin of at least one active group. It was a cache that every
-- caller changing a group had to remember to resync (syncUnlimitedPoints), and /init and
-- /activate could deactivate a group through recordBotMembership without doing it, leaving
-- the admin unlimited. Now any statement that inserts, deletes or changes `active` or
-- `admin_user_id` of a group recomputes it for the admins involved, in its own transaction.
--
-- The user row is locked before the recount: two transactions deactivating two groups of one
-- admin would otherwise each still see the other group active (READ COMMITTED) and both leave
-- the flag true. After the lock, the recount's statement takes a fresh snapshot and sees what
-- the other committed.

create or replace function public.groups_derive_unlimited_points() returns trigger language plpgsql
set search_path = '' as $$
declare
  uid bigint;
begin
  for uid in
    select distinct a from (values (case when tg_op <> 'INSERT' then old.admin_user_id end),
                                   (case when tg_op <> 'DELETE' then new.admin_user_id end)) v (a)
    where a is not null order by a
  loop
    perform 1 from public.users where id = uid for update;
    update public.users u set unlimited_points = w.unlimited, updated_at = now()
    from (select exists (select 1 from public.groups g where g.admin_user_id = uid and g.active) as unlimited) w
    where u.id = uid and u.unlimited_points <> w.unlimited;
  end loop;
  return null;
end $$;

create trigger groups_derive_unlimited_points
  after insert or delete or update of active, admin_user_id on public.groups
  for each row execute function public.groups_derive_unlimited_points();

-- Whatever the cache said before, from now on it is what the groups say.
update public.users u set unlimited_points = exists (select 1 from public.groups g where g.admin_user_id = u.id and g.active)
where u.unlimited_points <> exists (select 1 from public.groups g where g.admin_user_id = u.id and g.active);
