import type { Sql } from '../db/createSql.js';

/** What {@link failJob} did with the job. */
export type FailOutcome = 'retry' | 'failed' | 'lost';

/**
 * Records a failed attempt. With attempts left the job is queued again after `retryInMs`
 * (the runner's exponential backoff with jitter); otherwise, or when `permanent`, it becomes
 * `failed` and stays for inspection and replay (`npm run jobs -- replay <id>`). 'lost' means the
 * job's lease had expired and another worker holds it now.
 */
export async function failJob(
  sql: Sql,
  workerId: string,
  id: number,
  error: string,
  retryInMs: number,
  permanent = false,
): Promise<FailOutcome> {
  const rows = await sql<{ state: 'queued' | 'failed' }[]>`
    update jobs set
      state = case when ${permanent} or attempts >= max_attempts then 'failed' else 'queued' end,
      failed_at = case when ${permanent} or attempts >= max_attempts then now() end,
      run_at = case when ${permanent} or attempts >= max_attempts then run_at
                    else now() + ${retryInMs} * interval '1 millisecond' end,
      last_error = ${error},
      locked_by = null,
      locked_until = null
    where id = ${id} and locked_by = ${workerId}
    returning state`;
  const row = rows[0];
  if (!row) return 'lost';
  return row.state === 'failed' ? 'failed' : 'retry';
}
