-- The admin dashboard's sign-in limit: attempts per client address (there is no user yet), in
-- PostgreSQL because the dashboard runs as many stateless Vercel function instances, which
-- must all count the same attempts. The same sliding log as rate_limits (the times of the
-- attempts counted in the current window), in a table of its own: rate_limits is keyed by a
-- Telegram user id, and an address is not one. shared/dashboard/signInAttempts.ts.
--
-- Rows idle for a day are deleted by the cleanup_sign_in_attempts periodic task.
--
-- As elsewhere: row level security on, no policy; only the owner connection reads it.
create table dashboard_sign_in_attempts (
  -- The client's address as the limit counts it: an IPv4 address, or an IPv6 address's /64
  -- (one host or household gets a whole /64 and could otherwise take a new address per try).
  address     text primary key,
  hits        timestamptz[] not null default '{}',
  -- Until when this address's lockout was last recorded (the log and the audit log), so a
  -- lockout is recorded once, not once per refused request.
  told_until  timestamptz
);
alter table dashboard_sign_in_attempts enable row level security;
