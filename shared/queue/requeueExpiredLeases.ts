import type { Sql } from '../db/createSql.js';

/**
 * Takes back jobs whose lease expired: their worker died (kill -9, a container restart, a lost
 * connection) without finishing or releasing them. The attempt was counted at claim time, so a
 * job that keeps killing its worker ends up `failed` instead of looping forever. Any worker may
 * run this; row locks make concurrent runs harmless.
 */
export async function requeueExpiredLeases(sql: Sql): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    update jobs set
      state = case when attempts >= max_attempts then 'failed' else 'queued' end,
      failed_at = case when attempts >= max_attempts then now() end,
      last_error = 'lease expired: the worker holding this job stopped before finishing it',
      locked_by = null,
      locked_until = null
    where state = 'running' and locked_until < now()
    returning id`;
  return Array.from(rows, (r) => r.id);
}
