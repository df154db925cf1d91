import { atomically } from '../db/atomically.js';
import type { Queryable } from '../db/Queryable.js';
import { promoteWaitingHeads } from './promoteWaitingHeads.js';

/**
 * Queues failed jobs again with a fresh set of attempts and snoozes (a job that died of
 * too many snoozes would otherwise die at its first snooze): all failed jobs, or those in `ids`.
 * `last_error` is kept until the next attempt overwrites it. Returns the replayed ids.
 *
 * Jobs sharing a `serial_key` run again in id order. One UPDATE visits rows in no defined
 * order, and the replay trigger made whichever row it visited first its key's head (replaying
 * dead jobs 1, 2 and 3 ran 2 first), so keyed jobs are set `waiting` here and then the oldest
 * of each key without a live head is promoted, under the keys' advisory locks. A key with a
 * live head keeps it; the replayed jobs wait behind it.
 *
 * In the caller's transaction when given one (the dashboard records its audit entry with it).
 */
export async function replayJobs(sql: Queryable, ids?: readonly number[]): Promise<number[]> {
  return atomically(sql, async (tx) => {
    const rows = await tx<{ id: number; serial_key: string | null }[]>`
      update jobs set
        state = case when serial_key is null then 'queued' else 'waiting' end,
        attempts = 0, snoozes = 0, run_at = now(), failed_at = null
      where state = 'failed' ${ids ? tx`and id = any(${ids as number[]}::bigint[])` : tx``}
      returning id, serial_key`;
    const keys = [...new Set(rows.flatMap((r) => (r.serial_key === null ? [] : [r.serial_key])))];
    await promoteWaitingHeads(tx, keys);
    return Array.from(rows, (r) => r.id).sort((a, b) => a - b);
  });
}
