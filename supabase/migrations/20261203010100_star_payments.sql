-- Payments in Telegram Stars: the invoices the bot made, the subscriptions they started, and
-- every charge Telegram reported, with its refund.
--
-- Never twice: a charge is granted in the transaction that inserts its row, keyed by
-- Telegram's telegram_payment_charge_id (primary key), so a redelivered or concurrently
-- delivered successful_payment finds the row and grants nothing more.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.

-- An invoice the bot made (a subscription link, or an annual invoice): the intent recorded
-- before the user pays. pre_checkout_query is checked against it: the payload names the row,
-- and the user, plan and amount must match.
create table star_invoices (
  id            bigint generated always as identity primary key,
  user_id       bigint not null references users (id) on delete cascade,
  plan          text not null check (plan in ('basic', 'pro', 'business')),
  -- 'subscription': a monthly Star subscription (createInvoiceLink, 30 days, renews);
  -- 'annual': 365 days paid once (sendInvoice), not renewing.
  kind          text not null check (kind in ('subscription', 'annual')),
  -- Whole Stars (XTR has no minor units).
  amount        integer not null check (amount > 0),
  -- Stars taken off an annual price for what was left of the plan being replaced.
  credit        integer not null default 0 check (credit >= 0),
  payload       text not null unique check (length(payload) between 1 and 128),
  -- The first charge that paid it; an invoice pays once (its renewals do not come back here).
  paid_charge_id text,
  created_at    timestamptz not null default now()
);
alter table star_invoices enable row level security;
create index star_invoices_user_idx on star_invoices (user_id, id);

-- A Star subscription: one per paid subscription invoice. Telegram's `subscription` updates
-- carry no charge id, so they are matched on (user_id, payload).
create table star_subscriptions (
  id              bigint generated always as identity primary key,
  user_id         bigint not null references users (id) on delete cascade,
  plan            text not null check (plan in ('basic', 'pro', 'business')),
  payload         text not null,
  -- editUserStarSubscription takes the first payment's charge id.
  first_charge_id text not null unique,
  -- The latest subscription_expiration_date: the plan lasts until then.
  expires_at      timestamptz not null,
  -- Telegram's last word (`subscription` updates): 'active', 'canceled' (by the user or by us)
  -- or 'failed' (a renewal could not be charged). Either of the last two ends it at expires_at.
  state           text not null default 'active' check (state in ('active', 'canceled', 'failed')),
  -- Renewal turned off with editUserStarSubscription (is_canceled), from /plan or an upgrade.
  canceled_by_bot boolean not null default false,
  created_at      timestamptz not null default now(),
  updated_at      timestamptz not null default now(),
  unique (user_id, payload)
);
alter table star_subscriptions enable row level security;

-- Every charge, as Telegram reported it (successful_payment) or as the daily reconciliation
-- found it (getStarTransactions). A ledger: rows are inserted, and only the refund columns change.
create table star_payments (
  charge_id       text primary key,
  user_id         bigint not null references users (id) on delete cascade,
  invoice_id      bigint references star_invoices (id) on delete set null,
  subscription_id bigint references star_subscriptions (id) on delete set null,
  plan            text not null check (plan in ('basic', 'pro', 'business')),
  kind            text not null check (kind in ('subscription', 'annual')),
  amount          integer not null check (amount > 0),
  payload         text not null,
  is_recurring    boolean not null default false,
  -- Paid until: subscription_expiration_date, or a year for an annual plan.
  paid_until      timestamptz,
  -- 'update' (successful_payment) or 'reconciliation' (found in getStarTransactions).
  source          text not null default 'update' check (source in ('update', 'reconciliation')),
  refunded_at     timestamptz,
  -- Who refunded: 'admin' (refundStarPayment), 'telegram' (a refunded_payment message),
  -- 'reconciliation' (found refunded in getStarTransactions).
  refund_source   text check (refund_source in ('admin', 'telegram', 'reconciliation')),
  refunded_by     bigint,
  created_at      timestamptz not null default now()
);
alter table star_payments enable row level security;
create index star_payments_user_idx on star_payments (user_id, created_at);

-- The `until` the expiry reminder (3 days before a plan that does not renew ends) was sent
-- for: once per end date, and again if the plan is extended and later nears its new end.
alter table user_plans add column reminded_for timestamptz;
