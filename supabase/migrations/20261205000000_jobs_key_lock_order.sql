-- One order for taking several serial_key locks: by the lock's own id, hashtext(key).
--
-- A keyed job's advisory lock is pg_advisory_xact_lock(hashtext('jobs.serial_key'),
-- hashtext(key)). Two transactions that each take several of them wait for each other in a
-- cycle, and one is aborted as a deadlock, unless both take them in the same order. The
-- completion batch (jobs_pass_keys) took them in the keys' text order; the webhook's batch
-- took them one row at a time in arrival order (the jobs_take_key row trigger), so a webhook
-- batch holding chats B then A and a completion batch finishing chats A and B, both common
-- under load, could deadlock: a 503 for every update in the webhook's batch after a second's
-- wait (seen in CI: two webhook batches, four chats). Every statement that locks several keys
-- now takes them all first, in hashtext order (recordUpdates, enqueueMany,
-- promoteWaitingHeads, and this trigger); the text order was not safe either when two keys'
-- hashes collide (one lock, two places in the order).
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
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), h)
  from (
    select distinct hashtext(serial_key) as h from finished
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
