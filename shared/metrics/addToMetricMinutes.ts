import type { Queryable } from '../db/Queryable.js';

/**
 * The end of a statement that adds a relation's rows (`metric`, `label`, `count`, `sum`, `max`;
 * a CTE of the statement, named `from`) to the current minute of `metric_minutes`, summed per
 * (metric, label), in `shard`. One text for every writer (the queue's completions and failures,
 * the alert check's gauges), so they all lock the rows they add to in (metric, label) order and
 * two writers never deadlock, and add the same way.
 */
export function addToMetricMinutes(sql: Queryable, from: string, shard: number) {
  return sql`
    insert into metric_minutes (metric, minute, label, shard, count, sum, max)
    select metric, date_trunc('minute', now()), label, ${shard}, sum(count), sum(sum), max(max)
    from ${sql(from)} group by metric, label order by metric, label
    on conflict (metric, minute, label, shard) do update set
      count = metric_minutes.count + excluded.count,
      sum = metric_minutes.sum + excluded.sum,
      max = greatest(metric_minutes.max, excluded.max)`;
}
