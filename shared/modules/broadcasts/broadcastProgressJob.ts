import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Edits a running broadcast's progress message and, once every delivery is settled, sends the
 * final report. Each run schedules the next one (`tick + 1`, deduplicated on it, so a re-run
 * after a crash does not start a second chain), carrying how many deliveries were unsettled
 * (`remaining`) and since when that number has not moved (`stalledSince`, epoch ms), so a
 * chain whose sends stopped moving looks for dead send jobs and, after an hour, gives up.
 * Both are optional: runs queued by an older version carry neither.
 */
export const broadcastProgressJob = defineJob(
  'broadcast_progress',
  z.object({
    broadcastId: z.number().int().positive(),
    tick: z.number().int().nonnegative(),
    remaining: z.number().int().nonnegative().optional(),
    stalledSince: z.number().int().nonnegative().optional(),
  }),
  { priority: JobPriority.background, maxAttempts: 10, logFields: (p) => ({ broadcast_id: p.broadcastId }) },
);
