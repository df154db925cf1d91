import type { Sql } from '../db/createSql.js';

/**
 * Puts a running job back in the queue to run after `delayMs`, its attempt not counted (see
 * {@link SnoozeJob}). False when nothing changed: the job's lease went to another worker, or it
 * has snoozed `maxSnoozes` times already (the caller then records a failed attempt instead).
 * The job stays its key's head, as a retried one does.
 */
export async function snoozeJob(sql: Sql, workerId: string, id: number, delayMs: number, maxSnoozes: number): Promise<boolean> {
  const rows = await sql`
    update jobs set
      state = 'queued',
      run_at = now() + ${delayMs} * interval '1 millisecond',
      attempts = attempts - 1,
      snoozes = snoozes + 1,
      locked_by = null,
      locked_until = null
    where id = ${id} and locked_by = ${workerId} and snoozes < ${maxSnoozes}
    returning id`;
  return rows.length === 1;
}
