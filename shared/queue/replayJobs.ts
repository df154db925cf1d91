import type { Sql } from '../db/createSql.js';

/**
 * Queues failed jobs again with a fresh set of attempts: all failed jobs, or those in `ids`.
 * `last_error` is kept until the next attempt overwrites it. Returns the replayed ids.
 */
export async function replayJobs(sql: Sql, ids?: readonly number[]): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    update jobs set state = 'queued', attempts = 0, run_at = now(), failed_at = null
    where state = 'failed' ${ids ? sql`and id = any(${ids as number[]}::bigint[])` : sql``}
    returning id`;
  return Array.from(rows, (r) => r.id);
}
