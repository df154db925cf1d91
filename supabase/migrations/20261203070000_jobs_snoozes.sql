-- A handler that is waiting on someone else (an Instagram container still processing) gives its
-- slot back and runs again later without spending an attempt (SnoozeJob, shared/queue). The
-- count bounds it: past the runner's limit a snooze counts as a failed attempt.
alter table jobs add column snoozes integer not null default 0 check (snoozes >= 0);
