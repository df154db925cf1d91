import type { Queryable } from '../db/Queryable.js';

/** Queue health as `GET /healthz`, `npm run doctor` and `npm run jobs -- stats` show it. */
export interface QueueStats {
  /** Jobs runnable now, counted up to the limit (default 1,000): the limit means "at least". */
  ready: number;
  /** Jobs held by workers (at most their slots plus prefetch, so counted in full). */
  running: number;
  /** Dead jobs waiting for inspection or replay, counted up to the limit. */
  failed: number;
  /** Seconds the oldest runnable job has waited; 0 when none waits. */
  lagSeconds: number;
}

/**
 * Reads {@link QueueStats} in one statement that touches only index ranges, never the whole
 * table: `/healthz` runs it on every probe, and the first version (`count(*) filter (...) from
 * jobs`) read every row, waiting jobs behind chat keys included. With 100,000 jobs (50,000
 * waiting on 50 keys, 30,000 ready, 19,000 scheduled, 1,000 dead; after VACUUM ANALYZE) one
 * probe took 78-94 ms on the PostgreSQL server of this shared machine and 132 ms on PGlite;
 * this statement 3.3-5.8 ms and 19 ms (load average ~18 during the run; EXPLAIN ANALYZE
 * execution 0.65 ms on an 8,500-job table).
 *
 * - The priorities in use are found by a loose index scan of `jobs_claim_idx` (a recursive
 *   CTE: one probe per distinct priority, there are four); per priority, ready jobs are the
 *   index range `run_at <= now()` and the oldest is its first entry, which gives the lag.
 * - `ready` and `failed` stop counting at `countLimit`; `failed` reads `jobs_failed_idx`.
 * - `running` reads `jobs_lease_idx`: bounded by the workers' slots, not by the backlog.
 */
export async function queueStats(sql: Queryable, countLimit = 1000): Promise<QueueStats> {
  const [row] = await sql<{ ready: number; running: number; failed: number; lag: number }[]>`
    with recursive priorities (priority) as (
      (select priority from jobs where state = 'queued' order by priority limit 1)
      union all
      select (select j.priority from jobs j where j.state = 'queued' and j.priority > p.priority order by j.priority limit 1)
      from priorities p where p.priority is not null
    ), used as (select priority from priorities where priority is not null)
    select
      (select count(*) from (
        select 1 from used u cross join lateral (
          select 1 from jobs j where j.state = 'queued' and j.priority = u.priority and j.run_at <= now() limit ${countLimit}
        ) r limit ${countLimit}
      ) c)::int as ready,
      (select count(*) from jobs where state = 'running')::int as running,
      (select count(*) from (select 1 from jobs where state = 'failed' limit ${countLimit}) f)::int as failed,
      coalesce((
        select max(extract(epoch from now() - o.run_at)) from used u cross join lateral (
          select j.run_at from jobs j where j.state = 'queued' and j.priority = u.priority order by j.run_at limit 1
        ) o where o.run_at <= now()
      ), 0)::float8 as lag`;
  return { ready: row!.ready, running: row!.running, failed: row!.failed, lagSeconds: row!.lag };
}
