import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Sends one broadcast copy to one recipient (a delivery row). Bulk priority, so commands and
 * button presses overtake a broadcast's backlog. Five attempts: 5xx and connection errors
 * retry with the queue's backoff; the last attempt records the delivery as failed rather than
 * leaving it pending forever.
 */
export const broadcastSendJob = defineJob(
  'broadcast_send',
  z.object({ deliveryId: z.number().int().positive() }),
  { priority: JobPriority.bulk, maxAttempts: 5, logFields: (p) => ({ delivery_id: p.deliveryId }) },
);
