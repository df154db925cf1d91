import type * as z from 'zod';

/** A job type: its name and the schema of its payload. */
export interface JobDefinition<Payload> {
  readonly type: string;
  readonly payload: z.ZodType<Payload>;
  /** Default priority for jobs of this type. */
  readonly priority: number;
  /** Default attempts before the job is marked failed. Default 3, as the MVP plan says. */
  readonly maxAttempts: number;
  /** Fields from the payload to put on every log line of the job (e.g. `update_id`). */
  logFields?(payload: Payload): Record<string, unknown>;
}

/**
 * Declares a job type. The worker parses the payload with the same schema when it claims the
 * job, so a producer and its handler cannot drift apart silently.
 */
export function defineJob<Payload>(
  type: string,
  payload: z.ZodType<Payload>,
  options: { priority?: number; maxAttempts?: number; logFields?: (payload: Payload) => Record<string, unknown> } = {},
): JobDefinition<Payload> {
  return { type, payload, priority: options.priority ?? 50, maxAttempts: options.maxAttempts ?? 3, logFields: options.logFields };
}
