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
  /**
   * At most one queued, waiting or running job per key: enqueueing again while one exists does
   * nothing. A job that dies (`failed`) gives its key up, so a new one can be enqueued.
   */
  dedupeKey?: string;
  /** Default the job type's `maxAttempts`. */
  maxAttempts?: number;
}

/** One job for {@link enqueueMany}. */
export interface JobToEnqueue<P> extends EnqueueOptions {
  payload: P;
}

/**
 * Adds a job, validating its payload first (a bad payload throws here, at the producer, not
 * later in the worker). Pass a transaction (`sql.begin(tx => enqueue(tx, ...))`) to enqueue
 * atomically with other writes. Returns the job id, or `null` when `dedupeKey` matched.
 */
export async function enqueue<P>(sql: Queryable, job: JobDefinition<P>, payload: P, options: EnqueueOptions = {}): Promise<number | null> {
  const [id] = await enqueueMany(sql, job, [{ ...options, payload }]);
  return id ?? null;
}

/**
 * Adds many jobs of one type in one statement, each payload validated first. Returns the ids
 * of the jobs created, in the order given (a `dedupeKey` that matched creates none).
 *
 * One statement instead of a round trip per job: a broadcast to 1,000 groups enqueues its
 * sends inside one transaction, where a thousand round trips cost about a second.
 *
 * The jobs' serial keys are locked first, all of them, in hashtext order (`locked`, consumed by
 * the sort before the first row is inserted): the insert trigger would otherwise take them row
 * by row in the order given, and two statements holding keys in opposite orders deadlock
 * (migration jobs_key_lock_order).
 *
 * The NOTIFY that wakes the workers rides in the same statement, so it is sent when (and only
 * if) the caller's transaction commits new jobs. Code that has already committed its jobs wakes
 * the workers with a waker (`createWaker.ts`) instead.
 */
export async function enqueueMany<P>(sql: Queryable, job: JobDefinition<P>, jobs: readonly JobToEnqueue<P>[]): Promise<number[]> {
  if (jobs.length === 0) return [];
  const payloads = jobs.map((j) => JSON.stringify(job.payload.parse(j.payload)));
  const serialKeys = jobs.map((j) => j.serialKey ?? null);
  const rows = await sql<{ id: number }[]>`
    with locked as (
      select count(pg_advisory_xact_lock(hashtext('jobs.serial_key'), h)) as n
      from (select distinct hashtext(k) as h from unnest(${serialKeys}::text[]) as u(k) where k is not null order by 1) keys
    ),
    inserted as (
      insert into jobs (type, payload, priority, run_at, serial_key, dedupe_key, max_attempts)
      select ${job.type}, j.payload::jsonb, j.priority, coalesce(j.run_at, now()), j.serial_key, j.dedupe_key, j.max_attempts
      from unnest(
        ${payloads}::text[], ${jobs.map((j) => j.priority ?? job.priority)}::int[],
        ${jobs.map((j) => j.runAt?.toISOString() ?? null)}::timestamptz[], ${serialKeys}::text[],
        ${jobs.map((j) => j.dedupeKey ?? null)}::text[], ${jobs.map((j) => j.maxAttempts ?? job.maxAttempts)}::int[]
      ) with ordinality as j(payload, priority, run_at, serial_key, dedupe_key, max_attempts, n), locked
      order by j.n
      on conflict (dedupe_key) where dedupe_key is not null do nothing
      returning id
    )
    select id, pg_notify('jobs', '') from inserted order by id`;
  return rows.map((r) => r.id);
}
