import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Refunds a renewal of a subscription another paid plan replaced (recordStarPayment's
 * 'superseded'): the user must never pay for both. Enqueued in the transaction that recorded
 * the charge, so the charge's row is the intent; safe to repeat (refundStarPayment answers
 * CHARGE_ALREADY_REFUNDED once it went through, and recordRefund records a refund once).
 */
export const refundSupersededJob = defineJob(
  'star_payment_refund_superseded',
  z.object({ userId: z.number().int().positive(), chargeId: z.string().min(1) }),
  { priority: JobPriority.background, maxAttempts: 8, logFields: (p) => ({ user_id: p.userId }) },
);
