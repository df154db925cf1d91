import * as z from 'zod';
import { defineJob } from '../queue/defineJob.js';
import { JobPriority } from '../queue/priority.js';

/**
 * One Telegram update, enqueued by the webhook (or the polling loop) exactly as Telegram sent
 * it. Only `update_id` is checked here; grammY interprets the rest.
 */
export const telegramUpdateJob = defineJob(
  'telegram_update',
  z.looseObject({ update_id: z.number().int().nonnegative() }),
  { priority: JobPriority.interactive, logFields: (update) => ({ update_id: update.update_id }) },
);
