import type { Sql } from '../../shared/db/createSql.js';
import type { ClaimedJob } from './claimedJob.js';

/**
 * Claims up to `limit` runnable jobs for `workerId`, most urgent first, with a lease of
 * `leaseMs`, and counts the attempt.
 *
 * - `for update skip locked`: concurrent workers never wait on each other and never claim
 *   the same row.
 * - Serialization keys: a job is runnable only if no earlier live job shares its key. That
 *   earlier job may be queued, running or waiting for a retry; all of them hold the key, so a
 *   chat's updates run one at a time and in order. Dead ('failed') jobs release it, or one
 *   poisoned update would silence a chat forever. A snapshot that still sees a just-deleted
 *   predecessor errs on the safe side: the job waits for the next claim.
 * - `jobs_claim_idx (priority, run_at, id) where state = 'queued'` serves the scan in order,
 *   and `jobs_serial_key_idx` answers the "earlier job?" probe with one index lookup.
 */
export async function claimJobs(sql: Sql, workerId: string, limit: number, leaseMs: number): Promise<ClaimedJob[]> {
  const rows = await sql<ClaimedJob[]>`
    with candidates as (
      select id from jobs j
      where j.state = 'queued' and j.run_at <= now()
        and (j.serial_key is null or not exists (
          select 1 from jobs e
          where e.serial_key = j.serial_key and e.id < j.id and e.state <> 'failed'
        ))
      order by j.priority, j.run_at, j.id
      limit ${limit}
      for update skip locked
    )
    update jobs set
      state = 'running',
      locked_by = ${workerId},
      locked_until = now() + ${leaseMs} * interval '1 millisecond',
      attempts = jobs.attempts + 1
    from candidates
    where jobs.id = candidates.id
    returning jobs.id, jobs.type, jobs.payload, jobs.priority, jobs.attempts, jobs.max_attempts, jobs.serial_key`;
  // UPDATE ... RETURNING has no defined order; start the most urgent first.
  return Array.from(rows).sort((a, b) => a.priority - b.priority || a.id - b.id);
}
