-- Plans: each user's current entitlement, the history of every change to it, and the posts
-- counted per billing period. The plans themselves and their limits are data in code
-- (shared/modules/plans/plans.ts); the database records who has which, until when, and why.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

-- A user's current plan. No row: Free. A row whose `until` has passed is Free as well (the
-- entitlement is derived from the date, never from a flag a job must remember to clear); the
-- expiry job tells the user and deletes it.
create table user_plans (
  user_id       bigint primary key references users (id) on delete cascade,
  plan          text not null check (plan in ('basic', 'pro', 'business', 'friends_family')),
  -- Why they have it: 'payment', 'friends_family', 'admin', 'reconciliation'…
  source        text not null check (source ~ '^[a-z_]{1,32}$'),
  -- The end of the paid period; null: no end (Friends & Family, an admin's open grant).
  until         timestamptz,
  -- Billing periods (30 days, the Star subscription's period) count from here; a renewal of
  -- the same plan keeps it, a different plan starts a new one.
  period_anchor timestamptz not null default now(),
  -- The admin who granted it (Telegram id); null for payments.
  actor_id      bigint,
  note          text check (length(note) <= 200),
  granted_at    timestamptz not null default now(),
  updated_at    timestamptz not null default now()
);
alter table user_plans enable row level security;
create index user_plans_until_idx on user_plans (until) where until is not null;

-- Every change of a user's plan, as a ledger: a grant, an extension, an end. Never updated.
create table plan_changes (
  id            bigint generated always as identity primary key,
  user_id       bigint not null references users (id) on delete cascade,
  -- 'free' when a plan ended.
  plan          text not null check (plan in ('free', 'basic', 'pro', 'business', 'friends_family')),
  previous_plan text not null check (previous_plan in ('free', 'basic', 'pro', 'business', 'friends_family')),
  until         timestamptz,
  source        text not null check (source ~ '^[a-z_]{1,32}$'),
  actor_id      bigint,
  reason        text,
  created_at    timestamptz not null default now()
);
alter table plan_changes enable row level security;
create index plan_changes_user_idx on plan_changes (user_id, id);

-- Posts counted per billing period. A post takes its unit in the transaction that schedules
-- or publishes it, and gives it back when it fails for good or is cancelled.
create table plan_usage (
  user_id       bigint not null references users (id) on delete cascade,
  period_start  timestamptz not null,
  posts_used    integer not null default 0 check (posts_used >= 0),
  primary key (user_id, period_start)
);
alter table plan_usage enable row level security;

-- The billing period whose unit a post holds; null: none (a draft, or given back). Giving the
-- unit back clears it in the same statement, so it is given back once.
alter table posts add column quota_period_start timestamptz;
