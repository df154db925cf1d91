import type { Sql } from '../db/createSql.js';

/**
 * Extends the leases of the jobs this worker still runs. One statement for all of them; a job
 * whose lease already expired and was claimed by another worker is not touched.
 */
export async function renewLeases(sql: Sql, workerId: string, ids: readonly number[], leaseMs: number): Promise<void> {
  if (ids.length === 0) return;
  await sql`
    update jobs set locked_until = now() + ${leaseMs} * interval '1 millisecond'
    where id = any(${ids as number[]}::bigint[]) and locked_by = ${workerId} and state = 'running'`;
}
