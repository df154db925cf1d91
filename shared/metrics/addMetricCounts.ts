import type { Queryable } from '../db/Queryable.js';
import type { MetricCount } from './MetricTally.js';
import { addToMetricMinutes } from './addToMetricMinutes.js';

/**
 * Adds rows to the current minute of `metric_minutes` in one statement. For writers outside a
 * job's completion (the alert check's queue gauges), in shard 0; the rows are added as the
 * completions add theirs ({@link addToMetricMinutes}).
 */
export async function addMetricCounts(sql: Queryable, rows: readonly MetricCount[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`
    with recorded as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::text::jsonb) r(metric text, label text, count bigint, sum float8, max float8)
    )
    ${addToMetricMinutes(sql, 'recorded', 0)}`;
}
