import type { Queryable } from '../db/Queryable.js';
import type { MetricName } from './metricNames.js';

/** What {@link readMetricSeries} reads. */
export interface MetricSeriesQuery {
  metric: MetricName;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Width of a point in seconds, a multiple of 60 (60 a point per minute, 3600 per hour). Default 60. */
  stepSeconds?: number;
}

/** One point of one label. */
export interface MetricPoint {
  /** The start of the step (aligned to the Unix epoch, so to UTC hours and days). */
  at: Date;
  label: string;
  count: number;
  sum: number;
  max: number | null;
}

/**
 * A metric over time, one point per step and label that had anything (steps without events are
 * absent: a chart fills them with zero). Reads the primary key's range (metric, minute): a week
 * of one metric per minute is at most 10,080 rows per label.
 *
 * For the charts: jobs per minute is `job_done` by job type; sends per minute `telegram_send` by
 * method; failures by reason `job_error` (label `<job type>:<reason>`); queue depth and lag
 * `queue_ready` and `queue_lag_s` (gauges: `sum / count` is the mean of the samples, `max` the
 * worst). Reply times: readReplyTimes.ts. New users per day: readNewUsersPerDay.ts.
 */
export async function readMetricSeries(sql: Queryable, query: MetricSeriesQuery): Promise<MetricPoint[]> {
  const step = query.stepSeconds ?? 60;
  if (!Number.isInteger(step) || step < 60 || step % 60 !== 0) throw new RangeError(`stepSeconds must be a multiple of 60, not ${step}`);
  const rows = await sql<{ at: Date; label: string; count: number; sum: number; max: number | null }[]>`
    select to_timestamp(floor(extract(epoch from minute) / ${step}) * ${step}) as at, label,
           sum(count)::float8 as count, sum(sum)::float8 as sum, max(max) as max
    from metric_minutes
    where metric = ${query.metric} and minute >= ${query.from} and minute < ${query.to}
    group by 1, 2
    order by 1, 2`;
  return rows.map((r) => ({ at: r.at, label: r.label, count: r.count, sum: r.sum, max: r.max }));
}
