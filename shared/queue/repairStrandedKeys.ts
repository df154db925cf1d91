import type { Sql } from '../db/createSql.js';
import { promoteWaitingHeads } from './promoteWaitingHeads.js';

/**
 * Finds keys whose jobs all wait behind nothing (`waiting`, no `queued` or `running` head) and
 * promotes each one's oldest job. The hand-over triggers never leave such a key; this is the
 * backstop for one left by a bug, a manual edit or a restore, which would otherwise silence a
 * chat until someone looked. Returns the ids promoted.
 *
 * The search reads `jobs_waiting_idx` with one `jobs_key_head_idx` probe per waiting job; the
 * promotion re-checks each candidate key under its advisory lock.
 */
export async function repairStrandedKeys(sql: Sql): Promise<number[]> {
  return sql.begin(async (tx) => {
    const stranded = await tx<{ serial_key: string }[]>`
      select distinct w.serial_key from jobs w
      where w.state = 'waiting'
        and not exists (select 1 from jobs h where h.serial_key = w.serial_key and h.state in ('queued', 'running'))`;
    return promoteWaitingHeads(tx, stranded.map((r) => r.serial_key));
  });
}
