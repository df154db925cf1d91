-- Direct messages: points (a ledger and the balance it keeps), referrals, the live list, the
-- per-user rate limit, and each user's language and Instagram username.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

alter table users
  -- Chosen in /settings; null follows the user's Telegram language.
  add column locale             text check (locale ~ '^[a-z]{2}$'),
  -- Stored lowercase: Instagram usernames are case-insensitive. The full rule (no leading,
  -- trailing or doubled period) is checked in shared/live/parseInstagramUsername.ts.
  add column instagram_username text check (instagram_username ~ '^[a-z0-9._]{1,30}$'),
  -- The balance, kept in step with points_ledger in the same statement. The check is the last
  -- line of defence: no code path may take a balance below zero, even two spends at once.
  add column points             integer not null default 0 check (points >= 0),
  -- Group admins get unlimited points (the groups feature sets this); /golive is free for them.
  add column unlimited_points   boolean not null default false,
  -- The UTC day of the last daily grant. The grant is a conditional update of this column, so
  -- two updates racing at the first interaction of a day grant once: the second re-reads the
  -- row after the first commits and no longer matches.
  add column daily_points_on    date,
  -- The `start` parameter of the user's invite link: 40 random bits in hex, not the Telegram
  -- id, so a link does not reveal who shared it. A collision fails the insert (unique), and
  -- the update's job is retried with a fresh code.
  add column referral_code      text not null default left(replace(gen_random_uuid()::text, '-', ''), 10),
  -- Who invited this user; set only when the user is created, never changed afterwards.
  add column referred_by        bigint references users (id) on delete set null;
alter table users add constraint users_referral_code_key unique (referral_code);
create index users_referred_by_idx on users (referred_by) where referred_by is not null;

-- Every change of a balance: what, why, and the balance it left. users.points is updated in
-- the same statement, so the two cannot disagree.
create table points_ledger (
  id                bigint generated always as identity primary key,
  user_id           bigint not null references users (id) on delete cascade,
  delta             integer not null check (delta <> 0),
  reason            text not null check (reason in ('daily', 'referral', 'golive')),
  balance_after     integer not null check (balance_after >= 0),
  -- For 'referral': the user who joined through the link.
  referred_user_id  bigint references users (id) on delete set null,
  created_at        timestamptz not null default now()
);
alter table points_ledger enable row level security;
create index points_ledger_user_id_idx on points_ledger (user_id, id);
-- Backstops for the two "exactly once" rules; the code never relies on hitting them.
create unique index points_ledger_daily_once_idx
  on points_ledger (user_id, ((created_at at time zone 'utc')::date)) where reason = 'daily';
create unique index points_ledger_referral_once_idx
  on points_ledger (referred_user_id) where reason = 'referral';

-- One row per /golive. A user is live while ends_at is in the future; at most one such row per
-- user, which golive enforces under a lock on the user's row (an index cannot use now()).
-- Kept afterwards as history.
create table live_sessions (
  id                 bigint generated always as identity primary key,
  user_id            bigint not null references users (id) on delete cascade,
  instagram_username text not null,
  started_at         timestamptz not null default now(),
  ends_at            timestamptz not null check (ends_at > started_at)
);
alter table live_sessions enable row level security;
create index live_sessions_ends_at_idx on live_sessions (ends_at);
create index live_sessions_user_id_idx on live_sessions (user_id, ends_at);

-- The commands a user was allowed in the current window (a sliding log: at most `limit`
-- timestamps), and until when we last told them they are limited, so we tell them once.
-- Keyed by Telegram id without a foreign key: the limit applies before a user registers.
create table rate_limits (
  user_id     bigint primary key,
  hits        timestamptz[] not null default '{}',
  told_until  timestamptz
);
alter table rate_limits enable row level security;
