import type { Sql } from '../db/createSql.js';

/** Queue health as `GET /healthz` and the operator see it. */
export interface QueueStats {
  /** Jobs runnable now. */
  ready: number;
  running: number;
  /** Dead jobs waiting for inspection or replay. */
  failed: number;
  /** Seconds the oldest runnable job has waited; 0 when none waits. */
  lagSeconds: number;
}

/** Reads {@link QueueStats} in one statement. */
export async function queueStats(sql: Sql): Promise<QueueStats> {
  const [row] = await sql<{ ready: number; running: number; failed: number; lag: number }[]>`
    select
      count(*) filter (where state = 'queued' and run_at <= now())::int as ready,
      count(*) filter (where state = 'running')::int as running,
      count(*) filter (where state = 'failed')::int as failed,
      coalesce(extract(epoch from now() - min(run_at) filter (where state = 'queued' and run_at <= now())), 0)::float8 as lag
    from jobs`;
  return { ready: row!.ready, running: row!.running, failed: row!.failed, lagSeconds: row!.lag };
}
