-- Backbone: users, the job queue, seen webhook updates and conversation sessions.
--
-- Every table has row level security enabled and no policy: Supabase exposes the public schema
-- over HTTP, and the anon and authenticated roles must read nothing. Our own code connects as
-- the table owner (postgres.js over the pooler), which RLS does not restrict.

create table users (
  id              bigint primary key,          -- Telegram user id
  username        text,
  first_name      text not null default '',
  language_code   text,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now()
);
alter table users enable row level security;

-- The queue. A row exists while a job is waiting, running, or dead ('failed', kept for
-- inspection and replay). Finished jobs are deleted, so the table only holds live work and
-- claiming stays fast as the product ages.
create table jobs (
  id              bigint generated always as identity primary key,
  type            text not null,
  payload         jsonb not null default '{}',
  -- Lower runs first: 0 interactive (commands, button presses, pre-checkout), 100 bulk.
  priority        smallint not null default 50,
  run_at          timestamptz not null default now(),
  state           text not null default 'queued' check (state in ('queued', 'running', 'failed')),
  attempts        integer not null default 0,
  max_attempts    integer not null default 3 check (max_attempts >= 1),
  -- The lease: who holds the job and until when. A worker renews it while the job runs; an
  -- expired lease means the worker died, and the job is queued again.
  locked_by       text,
  locked_until    timestamptz,
  last_error      text,
  -- Jobs sharing a serialization key run one at a time, in enqueue (id) order.
  serial_key      text,
  -- At most one live job per dedupe key; enqueueing a duplicate is a no-op.
  dedupe_key      text unique,
  created_at      timestamptz not null default now(),
  failed_at       timestamptz
);
alter table jobs enable row level security;

-- The claim path: runnable jobs in priority order. Partial, so dead and running jobs never
-- cost a claim anything.
create index jobs_claim_idx on jobs (priority, run_at, id) where state = 'queued';
-- "Is there an earlier live job with my key?" -- one index probe per candidate.
create index jobs_serial_key_idx on jobs (serial_key, id) where serial_key is not null and state <> 'failed';
-- Finding expired leases without scanning the queue.
create index jobs_lease_idx on jobs (locked_until) where state = 'running';

-- Wake sleeping workers. Statement-level, so a batch insert sends one notification, and
-- PostgreSQL folds identical notifications within a transaction into one.
create function jobs_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify('jobs', '');
  return null;
end $$;
create trigger jobs_notify after insert on jobs for each statement execute function jobs_notify();

-- Telegram update ids already accepted by the webhook (the MVP plan's processed_webhooks).
-- Telegram keeps an undelivered update for 24 hours; we keep ids for 7 days, then the worker's
-- maintenance deletes them.
create table processed_webhooks (
  update_id       bigint primary key,
  received_at     timestamptz not null default now()
);
alter table processed_webhooks enable row level security;
create index processed_webhooks_received_at_idx on processed_webhooks (received_at);

-- Conversation state, one row per grammY session key, with an expiry.
create table sessions (
  key             text primary key,
  value           jsonb not null,
  expires_at      timestamptz,
  updated_at      timestamptz not null default now()
);
alter table sessions enable row level security;
create index sessions_expires_at_idx on sessions (expires_at) where expires_at is not null;
