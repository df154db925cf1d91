-- The payment_failures alert (shared/modules/alerts/measureAlerts.ts) counts the last hour's
-- charges and failed renewals each minute: these keep both counts to the hour's rows.
create index star_payments_created_at_idx on star_payments (created_at);
create index star_subscriptions_failed_idx on star_subscriptions (updated_at) where state = 'failed';
