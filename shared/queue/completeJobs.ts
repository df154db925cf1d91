import type { Sql } from '../db/createSql.js';
import type { MetricCount } from '../metrics/MetricTally.js';
import { addToMetricMinutes } from '../metrics/addToMetricMinutes.js';
import { replyTimeBucketsMs } from '../metrics/replyTimeBuckets.js';

/** What finished jobs recorded, written by the statement that deletes them. */
export interface CompletionMetrics {
  /** Rows of one job (`jobId`): written only if this statement deleted that job. Rows without one are written anyway. */
  counts?: readonly (MetricCount & { jobId?: number })[];
  /** Jobs that replied to a private chat, and how long ago (ms) their first reply went out. */
  replies?: readonly { jobId: number; agoMs: number }[];
  /** The writer's shard of `metric_minutes` (the runner's own, so replicas never wait on each other's rows). Default 0. */
  shard?: number;
}

/**
 * Deletes finished jobs: a finished job leaves the hot table at once, so claiming never wades
 * through history. Batched by the runner (one statement for every job that finished since the
 * last flush). `locked_by` guards against deleting a job whose lease expired and that another
 * worker now holds.
 *
 * The same statement adds the jobs' metrics to `metric_minutes` (`job_done` per type, what each
 * job counted, the reply-time histogram), so metrics cost no commit of their own, and a job's
 * metrics are written exactly when its row is deleted: a job finished twice (its lease lost to
 * another worker meanwhile) is counted by the one deletion that happened. The reply time is
 * `now() - created_at` (the webhook's insert) less how long ago the reply went out, both on the
 * database's clock and the worker's monotonic one: no clock skew between the two enters it.
 * Rows are upserted in (metric, label) order, so concurrent completions never deadlock, and
 * into the runner's own shard, so replicas do not wait for each other's commits on them.
 */
export async function completeJobs(sql: Sql, workerId: string, ids: readonly number[], metrics: CompletionMetrics = {}): Promise<void> {
  if (ids.length === 0) return;
  const counts = (metrics.counts ?? []).map((c) => ({ job_id: c.jobId ?? null, metric: c.metric, label: c.label, count: c.count, sum: c.sum, max: c.max }));
  const replies = (metrics.replies ?? []).map((r) => ({ job_id: r.jobId, ago_ms: r.agoMs }));
  await sql`
    with done as (
      delete from jobs where id = any(${ids as number[]}::bigint[]) and locked_by = ${workerId}
      returning id, type, created_at
    ), reply as (
      select greatest(0, extract(epoch from now() - d.created_at) * 1000 - r.ago_ms)::float8 as ms
      from jsonb_to_recordset(${JSON.stringify(replies)}::text::jsonb) r(job_id bigint, ago_ms float8)
      join done d on d.id = r.job_id
    ), recorded (metric, label, count, sum, max) as (
      select 'job_done', type, 1::bigint, 0::float8, null::float8 from done
      union all
      select c.metric, c.label, c.count, c.sum, c.max
      from jsonb_to_recordset(${JSON.stringify(counts)}::text::jsonb) c(job_id bigint, metric text, label text, count bigint, sum float8, max float8)
      where c.job_id is null or c.job_id in (select id from done)
      union all
      select 'dm_reply_ms', coalesce((select min(b)::bigint::text from unnest(${replyTimeBucketsMs as number[]}::float8[]) b where reply.ms < b), 'inf'), 1, reply.ms, reply.ms
      from reply
    )
    ${addToMetricMinutes(sql, 'recorded', metrics.shard ?? 0)}`;
}
