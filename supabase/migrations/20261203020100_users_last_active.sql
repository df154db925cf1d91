-- The UTC day of a user's last message or button press, for /admin_stats' "active today" and
-- "active in 7 days". A day, not an instant: it is written at most once a user a day (the
-- statement that reads the ban on every update sets it only when the day changed), so the
-- users row is not rewritten for every message.
alter table users add column last_active_on date;
-- A new user is active on the day they join (their first update runs before their row exists).
-- Set after the column is added, so existing users are not all marked active today.
alter table users alter column last_active_on set default ((now() at time zone 'UTC')::date);
create index users_last_active_idx on users (last_active_on) where last_active_on is not null;
