import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';
import { PLAN_IDS } from './plans.js';

/**
 * Tells a user about their plan outside their own update: a refund, the reminder 3 days before a
 * plan that does not renew ends, the fall back to Free, a payment the reconciliation found.
 * Enqueued in the transaction that made the change, so the notice exists exactly when the change
 * does; the dedupe key keeps one notice per change. Declared here, in the plans area, because a
 * plan's end enqueues it wherever it is applied (expireLapsedPlans: the hourly sweep and the
 * publish job); its handler is the payments module's (planNoticeHandler), which renders it.
 */
export const planNoticeJob = defineJob(
  'plan_notice',
  z.object({
    userId: z.number().int().positive(),
    /** 'refunded_unmatched': a refunded charge that paid for no plan of ours (star_payments.status 'unmatched'). */
    notice: z.enum(['refunded', 'refunded_kept', 'refunded_unmatched', 'reminder', 'expired', 'granted']),
    /** The plan the notice is about ('free' for 'refunded_unmatched': that charge paid for none). */
    plan: z.enum(PLAN_IDS),
    /** The date the notice names (the end of the plan), ISO. */
    date: z.string().optional(),
    amount: z.number().int().optional(),
  }),
  { priority: JobPriority.background, logFields: (p) => ({ user_id: p.userId, notice: p.notice }) },
);
