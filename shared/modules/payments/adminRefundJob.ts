import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Makes the refund an admin asked for with /admin_refund: its star_refund_requests row is the
 * intent, committed with this job in the command's transaction, so the call is made after
 * someone is on record as having asked, and a crash after it is settled by the next attempt
 * (CHARGE_ALREADY_REFUNDED: done) or by whoever else reports the refund (adminRefundHandler.ts).
 * Dedupe key `star_payment_refund_admin:<request id>`.
 */
export const adminRefundJob = defineJob(
  'star_payment_refund_admin',
  z.object({ requestId: z.number().int().positive() }),
  { priority: JobPriority.interactive, maxAttempts: 8, logFields: (p) => ({ refund_request_id: p.requestId }) },
);
