import type { Queryable } from '../../db/Queryable.js';
import { histogramPercentile } from '../../metrics/histogramPercentile.js';
import { Metric } from '../../metrics/metricNames.js';
import { readMetricTotals } from '../../metrics/readMetricTotals.js';
import { replyTimeHistogramBucket } from '../../metrics/replyTimeBuckets.js';
import { queueStats } from '../../queue/queueStats.js';
import type { AlertRule } from './alertRules.js';
import type { AlertSettings } from './alertSettings.js';

/** What the check measured: each rule's value (`null`: too few events), and the queue for its gauges. */
export interface AlertMeasurements {
  values: Record<AlertRule, number | null>;
  queue: { ready: number; lagSeconds: number };
}

const MINUTE = 60_000;

/**
 * Measures every rule at `now` (the database's clock decides which minutes are in a window):
 *
 * - error rate: failed attempts / (finished jobs + failed attempts), every job type, over the
 *   last `windowMinutes` (the current minute included), if at least `minEvents` attempts;
 * - reply p95: the `dm_reply_ms` histogram over the same window, if at least `minEvents` replies;
 * - queue length: jobs runnable now, counted up to the critical threshold + 1 (queueStats reads
 *   index ranges only, so a deep queue costs no more);
 * - failed posts: InstaPost posts that became `failed` in the last hour, from `posts` itself;
 * - payment failures: of the last hour's payments (charges in `star_payments`, renewals that
 *   failed in `star_subscriptions`, pre-checkout queries refused: `payment_refused`), the share
 *   that failed, if at least `minPayments`.
 */
export async function measureAlerts(sql: Queryable, settings: AlertSettings): Promise<AlertMeasurements> {
  const [clock] = await sql<{ now: Date }[]>`select now() as now`;
  const now = clock!.now.getTime();
  const to = new Date(now + MINUTE);
  const windowFrom = new Date(now - (settings.windowMinutes - 1) * MINUTE - (now % MINUTE));
  const hourFrom = new Date(now - 59 * MINUTE - (now % MINUTE));

  const sum = (rows: { count: number }[]) => rows.reduce((n, r) => n + r.count, 0);
  const [done, errors, replies, refusals, queue, [posts], [payments]] = await Promise.all([
    readMetricTotals(sql, { metric: Metric.jobDone, from: windowFrom, to }),
    readMetricTotals(sql, { metric: Metric.jobError, from: windowFrom, to }),
    readMetricTotals(sql, { metric: Metric.dmReplyMs, from: windowFrom, to }),
    readMetricTotals(sql, { metric: Metric.paymentRefused, from: hourFrom, to }),
    queueStats(sql, settings.queueLength.critical + 1),
    sql<{ failed: number }[]>`
      select count(*)::int as failed from posts where state = 'failed' and updated_at > now() - interval '1 hour'`,
    sql<{ charged: number; failed_renewals: number }[]>`
      select (select count(*) from star_payments where created_at > now() - interval '1 hour')::int as charged,
             (select count(*) from star_subscriptions where state = 'failed' and updated_at > now() - interval '1 hour')::int as failed_renewals`,
  ]);

  const attempts = sum(done) + sum(errors);
  const replyCount = sum(replies);
  const failedPayments = payments!.failed_renewals + sum(refusals);
  const paymentAttempts = payments!.charged + failedPayments;
  return {
    values: {
      error_rate: attempts >= settings.minEvents ? (100 * sum(errors)) / attempts : null,
      reply_p95: replyCount >= settings.minEvents
        ? histogramPercentile(replies.map((r) => replyTimeHistogramBucket(r.label, r.count, r.max)), 0.95)
        : null,
      queue_length: queue.ready,
      failed_posts: posts!.failed,
      payment_failures: paymentAttempts >= settings.minPayments ? (100 * failedPayments) / paymentAttempts : null,
    },
    queue: { ready: queue.ready, lagSeconds: queue.lagSeconds },
  };
}
