import type { AlertSettings, AlertThreshold } from './alertSettings.js';

/** The rules of seed 004 §10.2, in the order the admins' messages and the docs list them. */
export const alertRules = ['error_rate', 'reply_p95', 'queue_length', 'failed_posts', 'payment_failures'] as const;
export type AlertRule = (typeof alertRules)[number];

/** A rule's state. */
export type AlertLevel = 'ok' | 'warning' | 'critical';

/** How a rule's value reads: a percentage, milliseconds, a count. */
export type AlertUnit = 'percent' | 'ms' | 'count';

export const alertUnits: Record<AlertRule, AlertUnit> = {
  error_rate: 'percent',
  reply_p95: 'ms',
  queue_length: 'count',
  failed_posts: 'count',
  payment_failures: 'percent',
};

/** A rule's thresholds in `settings`. */
export function alertThreshold(rule: AlertRule, settings: AlertSettings): AlertThreshold {
  switch (rule) {
    case 'error_rate': return settings.errorRatePercent;
    case 'reply_p95': return settings.replyP95Ms;
    case 'queue_length': return settings.queueLength;
    case 'failed_posts': return settings.failedPostsPerHour;
    case 'payment_failures': return settings.paymentFailurePercent;
  }
}

/**
 * The level of a measured value: above `critical` critical, above `warning` a warning, else ok.
 * No value (too few events to make a rate mean anything) is ok: nothing is known to be wrong.
 */
export function alertLevel(value: number | null, threshold: AlertThreshold): AlertLevel {
  if (value === null) return 'ok';
  if (value > threshold.critical) return 'critical';
  if (value > threshold.warning) return 'warning';
  return 'ok';
}
