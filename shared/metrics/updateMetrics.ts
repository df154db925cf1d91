import type { JobMetrics } from './JobMetrics.js';

/**
 * The job metrics of the update the bot is handling, keyed by the update object itself: the job
 * handler has the job's context, grammY's middleware only the update (bot.handleUpdate builds
 * the context around the very object it is given), and nothing else passes between them.
 */
const byUpdate = new WeakMap<object, JobMetrics>();

/** Hands `metrics` to the bot's middleware for `update` (telegramUpdateHandler.ts). */
export function attachUpdateMetrics(update: object, metrics: JobMetrics): void {
  byUpdate.set(update, metrics);
}

/** The metrics attached to `update`, if any (createBot.ts). */
export function updateMetricsOf(update: object): JobMetrics | undefined {
  return byUpdate.get(update);
}
