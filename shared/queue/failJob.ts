import type { Sql } from '../db/createSql.js';
import { addToMetricMinutes } from '../metrics/addToMetricMinutes.js';
import type { MetricCount } from '../metrics/MetricTally.js';

/** What {@link failJob} did with the job. */
export type FailOutcome = 'retry' | 'failed' | 'lost';

/** What a failed attempt adds to `metric_minutes`. */
export interface FailureMetrics {
  /** A short, stable reason (`GrammyError_502`), counted as `job_error` `<type>:<reason>`. */
  reason: string;
  /** Counts not tied to the job (Telegram sends since the last write), written anyway. */
  counts?: readonly MetricCount[];
  /** The writer's shard of `metric_minutes` (see completeJobs.ts). Default 0. */
  shard?: number;
}

/**
 * Records a failed attempt. With attempts left the job is queued again after `retryInMs`
 * (the runner's exponential backoff with jitter); otherwise, or when `permanent`, it becomes
 * `failed` and stays for inspection and replay (`npm run jobs -- replay <id>`). 'lost' means the
 * job's lease had expired and another worker holds it now.
 *
 * The same statement counts the attempt in `metric_minutes` (`job_error`, and `job_dead` when
 * the job is now dead), only if it updated the job: no commit of its own, and a failure reported
 * by a worker that lost the job is not counted.
 */
export async function failJob(
  sql: Sql,
  workerId: string,
  id: number,
  error: string,
  retryInMs: number,
  permanent = false,
  metrics: FailureMetrics = { reason: 'error' },
): Promise<FailOutcome> {
  const rows = await sql<{ state: 'queued' | 'failed' }[]>`
    with failed as (
      update jobs set
        state = case when ${permanent} or attempts >= max_attempts then 'failed' else 'queued' end,
        failed_at = case when ${permanent} or attempts >= max_attempts then now() end,
        run_at = case when ${permanent} or attempts >= max_attempts then run_at
                      else now() + ${retryInMs} * interval '1 millisecond' end,
        last_error = ${error},
        locked_by = null,
        locked_until = null
      where id = ${id} and locked_by = ${workerId}
      returning state, type
    ), recorded (metric, label, count, sum, max) as (
      select 'job_error', type || ':' || ${metrics.reason}, 1::bigint, 0::float8, null::float8 from failed
      union all
      select 'job_dead', type, 1, 0, null from failed where state = 'failed'
      union all
      select c.metric, c.label, c.count, c.sum, c.max
      from jsonb_to_recordset(${JSON.stringify(metrics.counts ?? [])}::text::jsonb) c(metric text, label text, count bigint, sum float8, max float8)
    ), counted as (
      ${addToMetricMinutes(sql, 'recorded', metrics.shard ?? 0)}
    )
    select state from failed`;
  const row = rows[0];
  if (!row) return 'lost';
  return row.state === 'failed' ? 'failed' : 'retry';
}
