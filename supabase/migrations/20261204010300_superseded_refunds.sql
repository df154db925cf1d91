-- A renewal Telegram charged for a subscription the user had already replaced with another paid
-- plan (the renewal came before our editUserStarSubscription took effect, or that call kept
-- failing) pays for nothing: the bot refunds it on its own, and records who did so as
-- 'superseded' (docs/PAYMENTS.md, "Upgrading from one monthly plan to another").
alter table star_payments drop constraint star_payments_refund_source_check;
alter table star_payments add constraint star_payments_refund_source_check
  check (refund_source in ('admin', 'telegram', 'reconciliation', 'superseded'));
