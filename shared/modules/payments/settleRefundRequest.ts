import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import type { PlanId } from '../plans/plans.js';
import { refundOutcomeJob } from './refundOutcomeJob.js';

/** An admin's refund request still open (star_refund_requests 'pending'). */
export interface PendingRefundRequest { id: number; charge_id: string; requested_by: number }

/** The open request for a charge, locked until the caller's transaction ends; undefined when none. */
export async function lockPendingRefundRequest(tx: Queryable, chargeId: string): Promise<PendingRefundRequest | undefined> {
  const [row] = await tx<PendingRefundRequest[]>`
    select id, charge_id, requested_by from star_refund_requests where charge_id = ${chargeId} and state = 'pending' for update`;
  return row && { ...row, id: Number(row.id), requested_by: Number(row.requested_by) };
}

/**
 * Settles an admin's refund request and tells the admin (refundOutcomeJob), in the caller's
 * transaction: only while it is pending, so of the job, the refunded_payment message and the
 * reconciliation, the first to settle it tells, and the others change nothing. 'unknown' leaves
 * it pending (Telegram never answered: whoever reports the refund later still records it as the
 * admin's and tells them) with the last error, and tells the admin once per such error.
 * Returns whether this call settled (or, for 'unknown', noted) it.
 */
export async function settleRefundRequest(tx: Queryable, requestId: number, outcome: {
  state: 'refunded' | 'already' | 'failed' | 'unknown'; userId: number; amount: number; ended?: PlanId | null; error?: string;
}): Promise<boolean> {
  const state = outcome.state === 'unknown' ? 'pending' : outcome.state;
  const [row] = await tx<{ charge_id: string; requested_by: number }[]>`
    update star_refund_requests set state = ${state}, error = ${outcome.error ?? null},
      finished_at = case when ${state} = 'pending' then null else now() end
    where id = ${requestId} and state = 'pending' returning charge_id, requested_by`;
  if (!row) return false;
  await enqueue(tx, refundOutcomeJob, {
    adminId: Number(row.requested_by), chargeId: row.charge_id, outcome: outcome.state, userId: outcome.userId, amount: outcome.amount,
    ended: outcome.ended ?? null, ...(outcome.error === undefined ? {} : { error: outcome.error }),
  }, { dedupeKey: `star_refund_outcome:${requestId}:${outcome.state}` });
  return true;
}
