import type { Sql } from '../db/createSql.js';

/**
 * Deletes finished jobs: a finished job leaves the hot table at once, so claiming never wades
 * through history. Batched by the runner (one statement for every job that finished since the
 * last flush). `locked_by` guards against deleting a job whose lease expired and that another
 * worker now holds.
 */
export async function completeJobs(sql: Sql, workerId: string, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`delete from jobs where id = any(${ids as number[]}::bigint[]) and locked_by = ${workerId}`;
}
