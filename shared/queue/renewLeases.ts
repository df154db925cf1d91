import type { Sql } from '../db/createSql.js';

/**
 * Extends the leases of the jobs this worker still holds (running, or finished and waiting for
 * their batched delete). One statement for all of them. Returns the ids renewed: a job missing
 * from the answer is no longer this worker's (its lease expired and another worker's reaper
 * took it back, or it was claimed again), so the worker must stop running and reporting it.
 */
export async function renewLeases(sql: Sql, workerId: string, ids: readonly number[], leaseMs: number): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await sql<{ id: number }[]>`
    update jobs set locked_until = now() + ${leaseMs} * interval '1 millisecond'
    where id = any(${ids as number[]}::bigint[]) and locked_by = ${workerId} and state = 'running'
    returning id`;
  return Array.from(rows, (r) => r.id);
}
