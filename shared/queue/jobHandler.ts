import type { Sql } from '../db/createSql.js';
import type { JobDefinition } from './defineJob.js';
import type { Logger } from '../logger.js';
import type { ClaimedJob } from './claimedJob.js';
import type { JobMetrics } from '../metrics/JobMetrics.js';

/** What a handler gets besides its payload. */
export interface JobContext {
  job: ClaimedJob;
  /** Child logger with `job_id` and `type`. */
  log: Logger;
  sql: Sql;
  /**
   * Aborted when the worker shuts down and the job overruns the shutdown deadline, or when its
   * lease went to another worker (nothing the handler does after that is reported). Honour it
   * where you can; a handler that ignores it is left to its lease at shutdown, not handed over.
   */
  signal: AbortSignal;
  /**
   * What this attempt counts (docs/METRICS.md): written with the job's completion, and only
   * then, so a failed or lost attempt counts nothing and a retried job is counted once. The
   * runner always sets it; optional so that a test calling a handler directly may leave it out.
   */
  metrics?: JobMetrics;
}

/**
 * Runs one job type. Type-erased, so handlers of different payloads sit in one list: the
 * payload's type lives only between {@link jobHandler}'s schema check and the handler.
 */
export interface JobHandler {
  readonly type: string;
  /**
   * Checks a claimed job's payload against the type's schema and binds it to the handler.
   * Throws {@link PermanentJobError} when it does not match (retrying cannot help).
   */
  bind(payload: unknown): BoundJob;
}

/** A claimed job ready to run: its payload checked, its log fields known. */
export interface BoundJob {
  /** Fields from the payload for every log line of the job (e.g. `update_id`). */
  readonly logFields: Record<string, unknown> | undefined;
  run(ctx: JobContext): Promise<void>;
}

/** Declares a handler; the generic ties the handler's payload to its definition's schema. */
export function jobHandler<P>(definition: JobDefinition<P>, handle: (payload: P, ctx: JobContext) => Promise<void>): JobHandler {
  return {
    type: definition.type,
    bind(raw) {
      const parsed = definition.payload.safeParse(raw);
      if (!parsed.success) throw new PermanentJobError(`invalid payload for '${definition.type}': ${parsed.error.message}`);
      const payload = parsed.data;
      return { logFields: definition.logFields?.(payload), run: (ctx) => handle(payload, ctx) };
    },
  };
}

/**
 * Thrown (by a handler or the runner) when retrying cannot help: the job is marked failed at
 * once, keeping its attempts for other errors.
 */
export class PermanentJobError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PermanentJobError';
  }
}

/**
 * Thrown by a handler that is waiting on someone else (an Instagram container still
 * processing): the job gives its slot back and runs again after `delayMs`, its attempt not
 * counted, instead of sleeping in the slot while other jobs wait. The handler must be safe to
 * run again from the start, as every handler is. Bounded by the runner's `maxSnoozes`: past it,
 * a snooze counts as a failed attempt.
 */
export class SnoozeJob extends Error {
  readonly delayMs: number;
  constructor(delayMs: number, message: string) {
    super(message);
    this.name = 'SnoozeJob';
    this.delayMs = delayMs;
  }
}

/** Thrown when a claimed job's type has no handler in this worker. */
export class UnknownJobTypeError extends Error {
  readonly type: string;
  constructor(type: string) {
    super(`unknown job type '${type}': no handler is registered for it in this worker`);
    this.name = 'UnknownJobTypeError';
    this.type = type;
  }
}

/** Normalises anything thrown into an `Error`, keeping the original as `cause`. */
export function toError(thrown: unknown): Error {
  if (thrown instanceof Error) return thrown;
  return new Error(typeof thrown === 'string' ? thrown : `non-error thrown: ${JSON.stringify(thrown)}`, { cause: thrown });
}
