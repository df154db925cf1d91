import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';
import { PLAN_IDS } from '../plans/plans.js';

/**
 * Tells the admin who asked for a refund (/admin_refund) how it ended: 'refunded', 'already'
 * (refunded before their request, by someone else), 'failed' (Telegram refused it, with its
 * reason), or 'unknown' (Telegram never answered; the request stays pending). Enqueued in the
 * transaction that settled the request, with the dedupe key `star_refund_outcome:<request id>:<outcome>`,
 * so each outcome is told once however often its report is run again.
 */
export const refundOutcomeJob = defineJob(
  'star_refund_outcome',
  z.object({
    adminId: z.number().int().positive(),
    chargeId: z.string().min(1),
    outcome: z.enum(['refunded', 'already', 'failed', 'unknown']),
    userId: z.number().int().positive(),
    amount: z.number().int(),
    /** The plan the refund ended, if it ended one. */
    ended: z.enum(PLAN_IDS).nullable().optional(),
    /** Telegram's description of the error ('failed', 'unknown'). */
    error: z.string().optional(),
  }),
  { priority: JobPriority.interactive, logFields: (p) => ({ user_id: p.adminId, outcome: p.outcome }) },
);
