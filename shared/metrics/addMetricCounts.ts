import type { Queryable } from '../db/Queryable.js';
import type { MetricCount } from './MetricTally.js';

/**
 * Adds rows to the current minute of `metric_minutes` in one statement. For writers outside a
 * job's completion (the alert check's queue gauges); rows are locked in (metric, label) order,
 * as the completion statement locks them, so two writers never deadlock.
 */
export async function addMetricCounts(sql: Queryable, rows: readonly MetricCount[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    insert into metric_minutes (metric, minute, label, count, sum, max)
    select r.metric, date_trunc('minute', now()), r.label, sum(r.count), sum(r.sum), max(r.max)
    from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) r(metric text, label text, count bigint, sum float8, max float8)
    group by r.metric, r.label
    order by r.metric, r.label
    on conflict (metric, minute, label, shard) do update set
      count = metric_minutes.count + excluded.count,
      sum = metric_minutes.sum + excluded.sum,
      max = greatest(metric_minutes.max, excluded.max)`;
}
