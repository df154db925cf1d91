import type { JobMetrics } from './JobMetrics.js';
import { Metric } from './metricNames.js';

/**
 * Counts a payment's outcome for the `payment_failures` alert (docs/METRICS.md): `succeeded`, or
 * `failed:<reason>` with a short, stable reason (`pre_checkout_refused`, `invoice_error`; never
 * an id or a text). Pass `ctx.metrics` (a bot handler's, or a job handler's): the count is
 * written with the update's or job's completion, so a retried update counts its payment once.
 */
export function recordPaymentOutcome(metrics: JobMetrics | undefined, outcome: { ok: true } | { ok: false; reason: string }): void {
  metrics?.add(Metric.payment, outcome.ok ? 'succeeded' : `failed:${outcome.reason.replace(/[^\w-]/g, '_').slice(0, 40)}`);
}
