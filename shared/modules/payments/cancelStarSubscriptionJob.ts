import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Turns off the renewal of a subscription another payment replaced (editUserStarSubscription
 * with is_canceled). Enqueued in the transaction that granted the new plan; safe to repeat
 * (Telegram's call is idempotent, and the flag is set after it succeeds).
 */
export const cancelStarSubscriptionJob = defineJob(
  'star_subscription_cancel',
  z.object({ userId: z.number().int().positive(), firstChargeId: z.string().min(1) }),
  { priority: JobPriority.background, maxAttempts: 8, logFields: (p) => ({ user_id: p.userId }) },
);
