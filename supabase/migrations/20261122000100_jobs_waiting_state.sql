-- Per-key order without a scan.
--
-- The first claim query made a keyed job claimable if no earlier live job shared its key, a
-- `not exists` probe per candidate. With a backlog on few keys nearly every candidate is
-- blocked, so each claim walked the whole queue: 20,000 jobs on 50 keys took 2.9 s per claim
-- (EXPLAIN ANALYZE), 56 jobs/s. Now only the head of each key is 'queued'; the jobs behind it
-- are 'waiting' and invisible to the claim, which is back to one ordered index scan. The head
-- passes the key on when it finishes (deleted) or dies (failed).
--
-- Both hand-overs take a transaction-scoped advisory lock on the key, so an insert racing
-- with the head's completion cannot leave a job waiting behind nothing: whichever commits
-- second sees the other's row. The queries inside the trigger functions take fresh snapshots
-- (plpgsql, volatile), after the lock is granted.

alter table jobs drop constraint jobs_state_check;
alter table jobs add constraint jobs_state_check check (state in ('queued', 'waiting', 'running', 'failed'));

create index jobs_waiting_idx on jobs (serial_key, id) where state = 'waiting';
-- "Does this key still have a head?" without visiting the waiting rows behind it (a key with
-- 400 waiting jobs cost 400 heap fetches per hand-over without it).
create index jobs_key_head_idx on jobs (serial_key) where serial_key is not null and state in ('queued', 'running');

-- A keyed job that is not first in line waits.
create function jobs_take_key() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(new.serial_key));
  if exists (select 1 from jobs where serial_key = new.serial_key and state <> 'failed' and id <> new.id) then
    new.state := 'waiting';
  end if;
  return new;
end $$;

create trigger jobs_take_key_on_insert before insert on jobs for each row
  when (new.serial_key is not null and new.state = 'queued')
  execute function jobs_take_key();
-- A replayed dead job rejoins its key's line instead of running beside the current head.
create trigger jobs_take_key_on_replay before update of state on jobs for each row
  when (new.serial_key is not null and old.state = 'failed' and new.state = 'queued')
  execute function jobs_take_key();

-- When a key's head leaves, the oldest waiting job becomes the head.
create function jobs_pass_key() returns trigger language plpgsql as $$
begin
  perform pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(old.serial_key));
  if not exists (select 1 from jobs where serial_key = old.serial_key and state in ('queued', 'running')) then
    update jobs set state = 'queued'
    where id = (select id from jobs where serial_key = old.serial_key and state = 'waiting' order by id limit 1);
  end if;
  return null;
end $$;

create trigger jobs_pass_key_on_delete after delete on jobs for each row
  when (old.serial_key is not null and old.state in ('queued', 'running'))
  execute function jobs_pass_key();
create trigger jobs_pass_key_on_fail after update of state on jobs for each row
  when (old.serial_key is not null and new.state = 'failed' and old.state in ('queued', 'running'))
  execute function jobs_pass_key();
