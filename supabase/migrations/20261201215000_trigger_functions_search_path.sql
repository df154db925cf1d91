-- The queue's trigger functions with a fixed search_path.
--
-- They named `jobs` unqualified, so they resolved it through the caller's search_path. A
-- data-only restore (`pg_dump -a`, then psql) sets `search_path = ''` before its inserts, and
-- the insert trigger then failed with `relation "jobs" does not exist`; a role whose
-- search_path put another schema first could have pointed them at another table. Supabase's
-- database advisor flags such functions (lint 0011, function_search_path_mutable). Now each
-- function runs with an empty search_path and names every table with its schema; built-ins
-- (pg_advisory_xact_lock, hashtext) come from pg_catalog, which is always searched. The
-- transition table `finished` is not a schema object, so it needs no qualifier.
--
-- Same bodies as in jobs_waiting_state and jobs_key_handover_per_statement otherwise.

create or replace function public.jobs_take_key() returns trigger language plpgsql
set search_path = '' as $$
begin
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(new.serial_key));
  if exists (select 1 from public.jobs where serial_key = new.serial_key and state <> 'failed' and id <> new.id) then
    new.state := 'waiting';
  end if;
  return new;
end $$;

create or replace function public.jobs_pass_key() returns trigger language plpgsql
set search_path = '' as $$
begin
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(old.serial_key));
  if not exists (select 1 from public.jobs where serial_key = old.serial_key and state in ('queued', 'running')) then
    update public.jobs set state = 'queued'
    where id = (select id from public.jobs where serial_key = old.serial_key and state = 'waiting' order by id limit 1);
  end if;
  return null;
end $$;

create or replace function public.jobs_pass_keys() returns trigger language plpgsql
set search_path = '' as $$
begin
  if not exists (select 1 from finished where serial_key is not null and state in ('queued', 'running')) then
    return null;
  end if;
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(k))
  from (
    select distinct serial_key as k from finished
    where serial_key is not null and state in ('queued', 'running')
    order by 1
  ) keys;
  update public.jobs j set state = 'queued'
  from (
    select distinct on (w.serial_key) w.id
    from public.jobs w
    where w.state = 'waiting'
      and w.serial_key in (select serial_key from finished where serial_key is not null and state in ('queued', 'running'))
      and not exists (select 1 from public.jobs h where h.serial_key = w.serial_key and h.state in ('queued', 'running'))
    order by w.serial_key, w.id
  ) next
  where j.id = next.id;
  return null;
end $$;
