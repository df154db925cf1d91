/** One bucket of a histogram: the values at or above `lower` and below `upper`. */
export interface HistogramBucket {
  lower: number;
  /** Exclusive upper bound; `Infinity` for the overflow bucket. */
  upper: number;
  count: number;
  /** The largest value seen in the bucket, when known: interpolation stops there. */
  max?: number | null;
}

/**
 * The `q` quantile (0 < q ≤ 1) of a histogram, or `null` when it is empty. As Prometheus's
 * histogram_quantile: the bucket holding the value of rank `q · total` is found, and the value
 * interpolated linearly inside it, from its lower bound up to its upper bound or, when smaller,
 * the largest value it held (which also bounds the overflow bucket). So when at least
 * `q · total` values lie below a bound the result is at most that bound, and when fewer do it is
 * above it: an alert whose threshold is a bucket bound is decided exactly.
 */
export function histogramPercentile(buckets: readonly HistogramBucket[], q: number): number | null {
  const sorted = buckets.filter((b) => b.count > 0).sort((a, b) => a.upper - b.upper);
  const total = sorted.reduce((n, b) => n + b.count, 0);
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (const b of sorted) {
    if (below + b.count >= rank) {
      const top = Math.min(b.upper, b.max ?? b.upper);
      const ceiling = Number.isFinite(top) ? Math.max(top, b.lower) : b.lower;
      return b.lower + (ceiling - b.lower) * ((rank - below) / b.count);
    }
    below += b.count;
  }
  return null; // unreachable: the last bucket's cumulative count is the total
}
