import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * The daily reconciliation with Telegram (getStarTransactions): charges we never recorded are
 * recorded and granted, refunds we missed end their plans, and the admins are told. Enqueued by
 * the daily periodic task `reconcile_star_payments`.
 */
export const reconcileStarsJob = defineJob(
  'reconcile_star_payments',
  z.object({ day: z.number().int() }),
  { priority: JobPriority.background, maxAttempts: 5 },
);
