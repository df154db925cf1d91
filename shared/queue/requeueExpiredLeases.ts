import type { Queryable } from '../db/Queryable.js';

/**
 * Takes back jobs whose lease expired: their worker died (kill -9, a container restart, a lost
 * connection) without finishing or releasing them. The attempt was counted at claim time, so a
 * job that keeps killing its worker ends up `failed` instead of looping forever. Any worker may
 * run this; row locks make concurrent runs harmless.
 *
 * `held` names the caller and the jobs it still holds: they are never taken back, however
 * expired their lease. A live worker's leases expire when the database was unreachable for
 * longer than a lease; it still holds those jobs (running, or finished and not yet deleted),
 * and requeueing them would run finished work a second time.
 */
export async function requeueExpiredLeases(sql: Queryable, held?: { workerId: string; ids: readonly number[] }): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    update jobs set
      state = case when attempts >= max_attempts then 'failed' else 'queued' end,
      failed_at = case when attempts >= max_attempts then now() end,
      last_error = 'lease expired: the worker holding this job stopped before finishing it',
      locked_by = null,
      locked_until = null
    where state = 'running' and locked_until < now()
      ${held && held.ids.length > 0 ? sql`and not (locked_by = ${held.workerId} and id = any(${held.ids as number[]}::bigint[]))` : sql``}
    returning id`;
  return Array.from(rows, (r) => r.id);
}
