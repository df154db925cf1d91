import type { Queryable } from '../db/Queryable.js';
import type { MetricName } from './metricNames.js';

/** A metric's totals per label over [from, to): what the alert rules compare. */
export async function readMetricTotals(
  sql: Queryable,
  query: { metric: MetricName; from: Date; to: Date },
): Promise<{ label: string; count: number; sum: number; max: number | null }[]> {
  return sql<{ label: string; count: number; sum: number; max: number | null }[]>`
    select label, sum(count)::float8 as count, sum(sum)::float8 as sum, max(max) as max
    from metric_minutes
    where metric = ${query.metric} and minute >= ${query.from} and minute < ${query.to}
    group by label
    order by label`;
}
