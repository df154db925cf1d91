import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Greets (with `/greet on`) and approves one join request of an active group. A job of its own,
 * not part of the update's transaction: the greeting's mark must be committed before the
 * greeting is sent, so that a retry after a failed approval never greets twice.
 */
export const joinRequestJob = defineJob(
  'join_request',
  z.object({
    joinRequestId: z.number().int().positive(),
    /** The requester's Telegram language, for the greeting. */
    languageCode: z.string().max(35).optional(),
  }),
  // Telegram keeps user_chat_id messageable for 5 minutes: the job runs ahead of bulk work and
  // gets a few more attempts than the default to ride out a short Bot API outage.
  { priority: JobPriority.background, maxAttempts: 5, logFields: (p) => ({ join_request_id: p.joinRequestId }) },
);
