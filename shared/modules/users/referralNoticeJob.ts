import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Tells a referrer that someone joined through their link. Enqueued in the transaction that
 * credits them, so the notice exists exactly when the credit does, and is retried on its own:
 * a failed notice neither fails nor repeats the new user's /start.
 */
export const referralNoticeJob = defineJob(
  'referral_notice',
  z.object({
    referrerId: z.number().int().positive(),
    /** The new user's first name, as shown. */
    name: z.string(),
    points: z.number().int(),
    /** The referrer's balance after the credit. */
    balance: z.number().int(),
  }),
  { priority: JobPriority.background, logFields: (p) => ({ user_id: p.referrerId }) },
);
