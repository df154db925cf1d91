import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { adminRefundJob } from './adminRefundJob.js';

export type RefundRequest =
  | { status: 'unknown' }
  | { status: 'already'; refundedAt: Date }
  /** Another request for the charge is under way (its admin and when they asked). */
  | { status: 'under_way'; requestedBy: number; requestedAt: Date }
  | { status: 'requested'; requestId: number };

/**
 * Records an admin's refund of a charge (a star_refund_requests row: who, which charge, when)
 * and enqueues the job that calls refundStarPayment (adminRefundJob), in the caller's transaction
 * (/admin_refund's update): the intent is committed before the irreversible call, never after.
 * The charge's row is locked first, so a refund recorded meanwhile (refunded_payment) is either
 * seen here ('already') or finds this request (recordRefund), never neither.
 */
export async function requestAdminRefund(tx: Queryable, request: { chargeId: string; adminId: number }): Promise<RefundRequest> {
  const [payment] = await tx<{ refunded_at: Date | null }[]>`
    select refunded_at from star_payments where charge_id = ${request.chargeId} for update`;
  if (!payment) return { status: 'unknown' };
  if (payment.refunded_at) return { status: 'already', refundedAt: payment.refunded_at };
  const [inserted] = await tx<{ id: number }[]>`
    insert into star_refund_requests (charge_id, requested_by) values (${request.chargeId}, ${request.adminId})
    on conflict (charge_id) where state = 'pending' do nothing returning id`;
  if (!inserted) {
    const [open] = await tx<{ requested_by: number; requested_at: Date }[]>`
      select requested_by, requested_at from star_refund_requests where charge_id = ${request.chargeId} and state = 'pending'`;
    return { status: 'under_way', requestedBy: Number(open!.requested_by), requestedAt: open!.requested_at };
  }
  const requestId = Number(inserted.id);
  await enqueue(tx, adminRefundJob, { requestId }, { dedupeKey: `star_payment_refund_admin:${requestId}` });
  return { status: 'requested', requestId };
}
