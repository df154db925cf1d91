import type { HistogramBucket } from './histogramPercentile.js';

/**
 * Upper bounds (exclusive, in ms) of the reply-time histogram's buckets; a last bucket, labelled
 * `inf`, holds the rest. Each bucket is one `metric_minutes` row per minute, so percentiles are
 * read from at most 19 rows a minute whatever the traffic. The alert thresholds' defaults (2 s,
 * 5 s) are bounds, so "p95 above 2 s" is decided exactly; between bounds a percentile is
 * interpolated (histogramPercentile.ts).
 */
export const replyTimeBucketsMs: readonly number[] = [
  50, 100, 200, 300, 500, 750, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10_000, 15_000, 30_000, 60_000,
];

/** The label of the last bucket, above every bound. */
export const overflowBucket = 'inf';

/** The label of the bucket a reply time falls in (as the completion statement computes it in SQL). */
export function replyTimeBucket(ms: number): string {
  const bound = replyTimeBucketsMs.find((b) => ms < b);
  return bound === undefined ? overflowBucket : String(bound);
}

/** A `dm_reply_ms` row as a histogram bucket: its bounds from its label. */
export function replyTimeHistogramBucket(label: string, count: number, max: number | null): HistogramBucket {
  const upper = label === overflowBucket ? Infinity : Number(label);
  const lower = [...replyTimeBucketsMs].reverse().find((b) => b < upper) ?? 0;
  return { lower, upper, count, max };
}
