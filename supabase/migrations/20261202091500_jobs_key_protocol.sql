-- The key protocol's corners, and an index for reading dead jobs.
--
-- 1. READ COMMITTED, asserted. The hand-over of a serial_key (jobs_take_key, jobs_pass_key,
--    jobs_pass_keys) is correct because each query after the advisory lock takes a fresh
--    snapshot and so sees the row the racing transaction committed while we waited for the
--    lock. Under REPEATABLE READ or SERIALIZABLE the snapshot is the transaction's first, taken
--    before the lock: an enqueue racing with its key's last completion would see the head
--    still there and wait behind nothing, a stranded key. Every writer today runs at the
--    default READ COMMITTED; a future one that does not now gets an error instead of a chat
--    that silently stops. Jobs without a key are not affected.
-- 2. A dead job frees its dedupe_key. `enqueue` documents "at most one queued, waiting or
--    running job per key", but the unique index kept counting dead ones, so a job that died
--    blocked its key until someone deleted it. Clearing the key when the job dies (by any
--    path: failJob, the lease reaper, an older worker during a rolling deploy) keeps the index
--    and enqueue's ON CONFLICT as they are. A replayed dead job runs without its key.
-- 3. jobs_failed_idx: `/healthz` counts dead jobs on every probe and `npm run jobs -- failed`
--    lists the newest; without it both read the whole table. Dead jobs are rare, so the index
--    is small and costs the hot path nothing (no live row matches its predicate).

create or replace function public.jobs_take_key() returns trigger language plpgsql
set search_path = '' as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'a job with a serial_key must be written under READ COMMITTED, not %', current_setting('transaction_isolation')
      using hint = 'the key hand-over needs a fresh snapshot after its advisory lock (migration jobs_key_protocol)';
  end if;
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(new.serial_key));
  if exists (select 1 from public.jobs where serial_key = new.serial_key and state <> 'failed' and id <> new.id) then
    new.state := 'waiting';
  end if;
  return new;
end $$;

create or replace function public.jobs_pass_key() returns trigger language plpgsql
set search_path = '' as $$
begin
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'a job with a serial_key must be written under READ COMMITTED, not %', current_setting('transaction_isolation')
      using hint = 'the key hand-over needs a fresh snapshot after its advisory lock (migration jobs_key_protocol)';
  end if;
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
  if current_setting('transaction_isolation') <> 'read committed' then
    raise exception 'a job with a serial_key must be written under READ COMMITTED, not %', current_setting('transaction_isolation')
      using hint = 'the key hand-over needs a fresh snapshot after its advisory lock (migration jobs_key_protocol)';
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

create function public.jobs_free_dedupe_key() returns trigger language plpgsql
set search_path = '' as $$
begin
  new.dedupe_key := null;
  return new;
end $$;

create trigger jobs_free_dedupe_key_on_fail before update of state on public.jobs for each row
  when (new.state = 'failed' and old.state <> 'failed' and new.dedupe_key is not null)
  execute function public.jobs_free_dedupe_key();

update public.jobs set dedupe_key = null where state = 'failed' and dedupe_key is not null;

create index jobs_failed_idx on public.jobs (failed_at) where state = 'failed';
