-- An admin's refund (/admin_refund) recorded before refundStarPayment is called: who asked, for
-- which charge, when, and how it ended. The command commits the row with the job that makes the
-- call (star_payment_refund_admin), so a crash after the call loses neither the refund nor who
-- made it: whoever records the refund first (the job, a refunded_payment message, the daily
-- reconciliation) records it as this admin's, once (docs/PAYMENTS.md, "Refunds").
create table star_refund_requests (
  id           bigint generated always as identity primary key,
  charge_id    text not null references star_payments (charge_id) on delete cascade,
  requested_by bigint not null,
  requested_at timestamptz not null default now(),
  -- 'pending' (the job is on it, or its outcome is not known yet), 'refunded', 'already'
  -- (refunded before this request, by someone else), 'failed' (Telegram refused it for good).
  state        text not null default 'pending' check (state in ('pending', 'refunded', 'already', 'failed')),
  -- Telegram's description of the last error: why it failed, or why a pending one is not settled.
  error        text,
  finished_at  timestamptz
);
alter table star_refund_requests enable row level security;
-- One refund under way per charge: a second /admin_refund meanwhile is told about the first.
create unique index star_refund_requests_pending_idx on star_refund_requests (charge_id) where state = 'pending';
