-- A Login Widget sign-in works once. The widget's signed data arrives in the redirect's query
-- string, so it lands in the browser's history and in request logs, and stays valid for as long
-- as auth_date allows (a day): recording each used hash turns a leaked link into a dead one.
-- Rows are kept two days (longer than any auth_date accepted) and swept at each sign-in.
--
-- As elsewhere: row level security on, no policy; only the owner connection reads it.
create table dashboard_login_hashes (
  hash     text primary key,
  used_at  timestamptz not null default now()
);
alter table dashboard_login_hashes enable row level security;
create index dashboard_login_hashes_used_at_idx on dashboard_login_hashes (used_at);
