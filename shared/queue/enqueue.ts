import type { Queryable } from '../db/Queryable.js';
import type { JobDefinition } from './defineJob.js';

/** Options for {@link enqueue}. */
export interface EnqueueOptions {
  /** When to run. Default now. */
  runAt?: Date;
  /** Lower runs first. Default the job type's priority. */
  priority?: number;
  /** Jobs with the same key run one at a time, in enqueue order. */
  serialKey?: string;
  /** At most one live job per key: enqueueing again while one exists does nothing. */
  dedupeKey?: string;
  /** Default the job type's `maxAttempts`. */
  maxAttempts?: number;
}

/**
 * Adds a job, validating its payload first (a bad payload throws here, at the producer, not
 * later in the worker). Pass a transaction (`sql.begin(tx => enqueue(tx, ...))`) to enqueue
 * atomically with other writes. Returns the job id, or `null` when `dedupeKey` matched a live job.
 */
export async function enqueue<P>(sql: Queryable, job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<number | null> {
  const parsed = job.payload.parse(payload);
  // The NOTIFY rides in the same statement, so it is sent when (and only if) the caller's
  // transaction commits a new job.
  const rows = await sql<{ id: number }[]>`
    with inserted as (
      insert into jobs (type, payload, priority, run_at, serial_key, dedupe_key, max_attempts)
      values (
        ${job.type}, ${sql.json(parsed as never)}, ${options.priority ?? job.priority},
        coalesce(${options.runAt ?? null}::timestamptz, now()),
        ${options.serialKey ?? null}, ${options.dedupeKey ?? null}, ${options.maxAttempts ?? job.maxAttempts}
      )
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id
    )
    select id, pg_notify('jobs', '') from inserted`;
  return rows[0]?.id ?? null;
}
