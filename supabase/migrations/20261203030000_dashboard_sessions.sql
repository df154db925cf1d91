-- The admin dashboard's sign-ins (issue 14). A session is a random token in an HttpOnly
-- cookie; only its SHA-256 is stored, so a copy of this table (a backup, a leaked read) lets
-- no one in. Rows past expires_at are ignored, and deleted at the next sign-in.
--
-- As elsewhere: row level security on, no policy; only the owner connection reads it.
create table dashboard_sessions (
  token_hash     text primary key,
  user_id        bigint not null,
  -- The role at sign-in; every request checks it again against ADMIN_TELEGRAM_IDS, the
  -- viewers list and users.is_admin, so taking someone off a list ends their session.
  role           text not null check (role in ('admin', 'viewer')),
  -- Sent back in the X-CSRF-Token header of every state-changing request.
  csrf_token     text not null,
  method         text not null check (method in ('widget', 'oidc')),
  created_at     timestamptz not null default now(),
  expires_at     timestamptz not null check (expires_at > created_at)
);
alter table dashboard_sessions enable row level security;
create index dashboard_sessions_expires_idx on dashboard_sessions (expires_at);
