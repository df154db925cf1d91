import * as z from 'zod';
import { parseEnv } from '../../config/parseEnv.js';
import { type AlertSettings, defaultAlertSettings as d } from './alertSettings.js';

const number = (name: string, def: number) =>
  z.coerce.number({ error: `${name} must be a number` }).positive(`${name} must be above 0`).default(def);
const whole = (name: string, def: number) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be an integer`).min(1, `${name} must be at least 1`).default(def);

const AlertEnv = z.object({
  ALERT_ERROR_RATE_WARNING_PERCENT: number('ALERT_ERROR_RATE_WARNING_PERCENT', d.errorRatePercent.warning),
  ALERT_ERROR_RATE_CRITICAL_PERCENT: number('ALERT_ERROR_RATE_CRITICAL_PERCENT', d.errorRatePercent.critical),
  ALERT_REPLY_P95_WARNING_MS: number('ALERT_REPLY_P95_WARNING_MS', d.replyP95Ms.warning),
  ALERT_REPLY_P95_CRITICAL_MS: number('ALERT_REPLY_P95_CRITICAL_MS', d.replyP95Ms.critical),
  ALERT_QUEUE_WARNING: whole('ALERT_QUEUE_WARNING', d.queueLength.warning),
  ALERT_QUEUE_CRITICAL: whole('ALERT_QUEUE_CRITICAL', d.queueLength.critical),
  ALERT_FAILED_POSTS_WARNING: whole('ALERT_FAILED_POSTS_WARNING', d.failedPostsPerHour.warning),
  ALERT_FAILED_POSTS_CRITICAL: whole('ALERT_FAILED_POSTS_CRITICAL', d.failedPostsPerHour.critical),
  ALERT_PAYMENT_FAILURES_WARNING_PERCENT: number('ALERT_PAYMENT_FAILURES_WARNING_PERCENT', d.paymentFailurePercent.warning),
  ALERT_PAYMENT_FAILURES_CRITICAL_PERCENT: number('ALERT_PAYMENT_FAILURES_CRITICAL_PERCENT', d.paymentFailurePercent.critical),
  ALERT_WINDOW_MINUTES: whole('ALERT_WINDOW_MINUTES', d.windowMinutes),
  ALERT_MIN_EVENTS: whole('ALERT_MIN_EVENTS', d.minEvents),
  ALERT_MIN_PAYMENTS: whole('ALERT_MIN_PAYMENTS', d.minPayments),
}).superRefine((e, ctx) => {
  const pairs = [
    ['ALERT_ERROR_RATE_WARNING_PERCENT', 'ALERT_ERROR_RATE_CRITICAL_PERCENT'],
    ['ALERT_REPLY_P95_WARNING_MS', 'ALERT_REPLY_P95_CRITICAL_MS'],
    ['ALERT_QUEUE_WARNING', 'ALERT_QUEUE_CRITICAL'],
    ['ALERT_FAILED_POSTS_WARNING', 'ALERT_FAILED_POSTS_CRITICAL'],
    ['ALERT_PAYMENT_FAILURES_WARNING_PERCENT', 'ALERT_PAYMENT_FAILURES_CRITICAL_PERCENT'],
  ] as const;
  for (const [warning, critical] of pairs) {
    if (e[warning] > e[critical]) ctx.addIssue({ code: 'custom', path: [warning], message: `${warning} (${e[warning]}) must not be above ${critical} (${e[critical]})` });
  }
});

/** Reads the alert thresholds from the environment (README's variables table); every one has the seed's default. */
export function parseAlertSettings(env: Record<string, string | undefined>): AlertSettings {
  const e = parseEnv(AlertEnv, env);
  return {
    errorRatePercent: { warning: e.ALERT_ERROR_RATE_WARNING_PERCENT, critical: e.ALERT_ERROR_RATE_CRITICAL_PERCENT },
    replyP95Ms: { warning: e.ALERT_REPLY_P95_WARNING_MS, critical: e.ALERT_REPLY_P95_CRITICAL_MS },
    queueLength: { warning: e.ALERT_QUEUE_WARNING, critical: e.ALERT_QUEUE_CRITICAL },
    failedPostsPerHour: { warning: e.ALERT_FAILED_POSTS_WARNING, critical: e.ALERT_FAILED_POSTS_CRITICAL },
    paymentFailurePercent: { warning: e.ALERT_PAYMENT_FAILURES_WARNING_PERCENT, critical: e.ALERT_PAYMENT_FAILURES_CRITICAL_PERCENT },
    windowMinutes: e.ALERT_WINDOW_MINUTES,
    minEvents: e.ALERT_MIN_EVENTS,
    minPayments: e.ALERT_MIN_PAYMENTS,
  };
}
