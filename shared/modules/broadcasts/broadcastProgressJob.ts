import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Edits a running broadcast's progress message and, once every delivery is settled, sends the
 * final report. Each run schedules the next one (`tick + 1`, deduplicated on it, so a re-run
 * after a crash does not start a second chain).
 */
export const broadcastProgressJob = defineJob(
  'broadcast_progress',
  z.object({ broadcastId: z.number().int().positive(), tick: z.number().int().nonnegative() }),
  { priority: JobPriority.background, maxAttempts: 10, logFields: (p) => ({ broadcast_id: p.broadcastId }) },
);
