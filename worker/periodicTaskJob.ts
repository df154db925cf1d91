import * as z from 'zod';
import { defineJob } from '../shared/queue/defineJob.js';
import { jobHandler, PermanentJobError, type JobHandler } from '../shared/queue/jobHandler.js';
import { JobPriority } from '../shared/queue/priority.js';
import type { PeriodicTask } from './periodicTasks.js';

/** One tick of one periodic task (worker/periodicTasks.ts), enqueued by {@link schedulePeriodicTasks}. */
export const periodicTaskJob = defineJob(
  'periodic_task',
  z.object({ task: z.string().min(1), tick: z.number().int().nonnegative() }),
  { priority: JobPriority.background, maxAttempts: 3, logFields: (p) => ({ task: p.task, tick: p.tick }) },
);

/** Runs a periodic task's tick; an unknown task name (a task removed from the list) fails for good. */
export function periodicTaskHandler(tasks: readonly PeriodicTask[]): JobHandler {
  return jobHandler(periodicTaskJob, async ({ task }, { sql, log }) => {
    const definition = tasks.find((t) => t.name === task);
    if (!definition) throw new PermanentJobError(`no periodic task named '${task}'`);
    log.info(await definition.run(sql), 'periodic task done');
  });
}
