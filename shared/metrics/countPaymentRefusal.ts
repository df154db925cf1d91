import type { JobMetrics } from './JobMetrics.js';
import { Metric } from './metricNames.js';

/**
 * Counts a pre-checkout query the bot refused (`payment_refused`, by reason): the one payment
 * failure that leaves no row behind (a charge is a `star_payments` row, a failed renewal a
 * `star_subscriptions` row in state `failed`; the payment_failures alert reads those from the
 * tables). Pass the update's `ctx.metrics`: written with its completion, so a retried update
 * counts its refusal once. The reason is a short word (`amount`, `unknown-invoice`), never an id.
 */
export function countPaymentRefusal(metrics: JobMetrics | undefined, reason: string): void {
  metrics?.add(Metric.paymentRefused, reason.replace(/[^\w-]/g, '_').slice(0, 40));
}
