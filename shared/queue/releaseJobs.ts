import type { Sql } from '../db/createSql.js';

/**
 * Gives claimed jobs back without counting the attempt: used at shutdown for jobs that did not
 * finish within the deadline, so another worker can take them at once instead of waiting for
 * the lease to expire.
 */
export async function releaseJobs(sql: Sql, workerId: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update jobs set state = 'queued', locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
    where id = any(${ids as number[]}::bigint[]) and locked_by = ${workerId} and state = 'running'`;
}
