/**
 * The metrics in `metric_minutes`, by name; docs/METRICS.md says what each counts, its label and
 * who records it.
 */
export const Metric = {
  /** A job finished (its row deleted). Label: the job type. */
  jobDone: 'job_done',
  /** A job's attempt failed (retried or dead). Label: `<job type>:<reason>` (see failureReason.ts). */
  jobError: 'job_error',
  /** A job failed for good (kept as `failed`). Label: the job type. */
  jobDead: 'job_dead',
  /** Webhook receipt → first reply in the private chat, a histogram (label: bucket bound, replyTimeBuckets.ts). */
  dmReplyMs: 'dm_reply_ms',
  /** A message sent (or edited) through the Bot API. Label: the method. */
  telegramSend: 'telegram_send',
  /** Jobs runnable now, sampled by the alert check each minute (a gauge). */
  queueReady: 'queue_ready',
  /** Seconds the oldest runnable job has waited, sampled with `queue_ready` (a gauge). */
  queueLagSeconds: 'queue_lag_s',
  /** A pre-checkout query the bot refused. Label: the reason (countPaymentRefusal.ts). */
  paymentRefused: 'payment_refused',
  /** The runner's claim statement failed. Label: the reason (failureReason.ts), e.g. `PostgresError_42501`. */
  claimError: 'claim_error',
} as const;

export type MetricName = (typeof Metric)[keyof typeof Metric];
