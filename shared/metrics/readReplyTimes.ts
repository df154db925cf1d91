import type { Queryable } from '../db/Queryable.js';
import { histogramPercentile } from './histogramPercentile.js';
import { Metric } from './metricNames.js';
import { readMetricSeries } from './readMetricSeries.js';
import { replyTimeHistogramBucket } from './replyTimeBuckets.js';

/** Reply times over one step. */
export interface ReplyTimes {
  at: Date;
  /** Replies timed. */
  count: number;
  /** Milliseconds; interpolated inside the histogram's buckets (histogramPercentile.ts). */
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  /** The slowest reply, exact. */
  max: number;
}

/**
 * DM reply time (the webhook's receipt of an update → the first reply sent to its private
 * chat) per step, for the dashboard's chart; one step over the whole range gives the figures
 * for an alert. Steps without replies are absent.
 */
export async function readReplyTimes(sql: Queryable, query: { from: Date; to: Date; stepSeconds?: number }): Promise<ReplyTimes[]> {
  const points = await readMetricSeries(sql, { metric: Metric.dmReplyMs, ...query });
  const steps = new Map<number, typeof points>();
  for (const p of points) {
    const key = p.at.getTime();
    const list = steps.get(key);
    if (list) list.push(p);
    else steps.set(key, [p]);
  }
  return [...steps.entries()].sort(([a], [b]) => a - b).map(([at, rows]) => {
    const buckets = rows.map((r) => replyTimeHistogramBucket(r.label, r.count, r.max));
    const count = rows.reduce((n, r) => n + r.count, 0);
    return {
      at: new Date(at),
      count,
      p50: histogramPercentile(buckets, 0.5)!,
      p95: histogramPercentile(buckets, 0.95)!,
      p99: histogramPercentile(buckets, 0.99)!,
      mean: rows.reduce((n, r) => n + r.sum, 0) / count,
      max: Math.max(...rows.map((r) => r.max ?? 0)),
    };
  });
}
