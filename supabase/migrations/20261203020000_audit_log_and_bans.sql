-- The audit log of sensitive actions, and bans.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

-- Who did what to whom, and when (the seed's 8.4: account connections, plan changes, payments,
-- refunds, bans, F&F grants, admin actions). Append-only: rows are written in the transaction
-- of the change they record (shared/modules/audit/recordAudit.ts), so an action and its record
-- commit or roll back together, and code never updates or deletes them.
--
-- No foreign keys: the log must outlive the users it names (a deleted user's history stays), and
-- an actor may be a configured admin who never talked to the bot, or the system itself (null).
create table audit_log (
  id               bigint generated always as identity primary key,
  -- Who acted: a Telegram user id, or null for the system (a daily reconciliation, a job).
  actor_id         bigint,
  -- What, as `area.verb` words (`user.ban`, `plan.grant`, `instagram.connect`): see docs/SCHEMA.md.
  action           text not null check (action ~ '^[a-z][a-z_]*(\.[a-z][a-z_]*)+$'),
  -- The user the action was about, if any.
  subject_user_id  bigint,
  -- The rest (a reason, a plan, a charge id, an amount), never a secret or a token.
  details          jsonb not null default '{}' check (jsonb_typeof(details) = 'object'),
  created_at       timestamptz not null default now()
);
alter table audit_log enable row level security;
-- A user's history (/admin_users shows the latest), and the log by time.
create index audit_log_subject_idx on audit_log (subject_user_id, id) where subject_user_id is not null;
create index audit_log_created_idx on audit_log (created_at);

alter table users
  -- Banned by an admin: the user's messages and button presses get one notice, then nothing.
  add column banned_at          timestamptz,
  add column banned_by          bigint,
  add column ban_reason         text check (length(ban_reason) <= 500),
  -- When the banned user was told, so they are told once per ban (cleared by an unban).
  add column ban_notified_at    timestamptz;

-- A banned user's scheduled posts are paused: their publish and reminder jobs are made stale by
-- the version bump that pauses them, and an unban schedules them again.
alter table posts drop constraint posts_state_check;
alter table posts add constraint posts_state_check
  check (state in ('draft', 'scheduled', 'paused', 'publishing', 'published', 'failed', 'cancelled'));
