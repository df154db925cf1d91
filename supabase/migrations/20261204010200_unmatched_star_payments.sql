-- A successful_payment (or a charge the reconciliation found) that matches nothing we sold: no
-- invoice with its payload, an invoice made for another user, or an amount other than the
-- invoice's. It is money taken, so it is recorded like any charge (once, under its charge id)
-- with status 'unmatched' and no plan, so that an admin can refund it with /admin_refund and
-- the dashboard's Payments page lists it. It grants nothing.
alter table star_payments add column status text not null default 'matched' check (status in ('matched', 'unmatched'));
-- Why it matched nothing: 'unknown-invoice', 'other-user' or 'amount'.
alter table star_payments add column unmatched_reason text;
alter table star_payments alter column plan drop not null;
alter table star_payments alter column kind drop not null;
alter table star_payments add constraint star_payments_plan_when_matched
  check ((status = 'matched') = (plan is not null and kind is not null));
