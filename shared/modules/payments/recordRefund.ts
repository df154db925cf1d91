import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { endPlan } from '../plans/endPlan.js';
import type { PaidPlanId, PlanId } from '../plans/plans.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { cancelStarSubscriptionJob } from './cancelStarSubscriptionJob.js';
import { planNoticeJob } from '../plans/planNoticeJob.js';
import { lockPendingRefundRequest, settleRefundRequest } from './settleRefundRequest.js';

export interface RefundedCharge {
  charge_id: string;
  user_id: number;
  /** null: an unmatched charge (it paid for no plan). */
  plan: PaidPlanId | null;
  amount: number;
  subscription_id: number | null;
  refunded_at: Date | null;
}

export type RecordedRefund =
  | { status: 'unknown' }
  | { status: 'already'; payment: RefundedCharge }
  | { status: 'refunded'; payment: RefundedCharge; ended: PlanId | undefined };

/**
 * Records that a charge was refunded, once however many times it is reported (the admin's
 * refund, the refunded_payment message, the reconciliation: each may report the same refund),
 * in the caller's transaction. The first report ends the plan the charge paid for (only if that
 * plan is still the one in force from a payment: a refund of an old charge does not end a
 * Friends & Family grant made since), stops its subscription's renewal, writes the audit log and
 * enqueues the user's notice. Later reports find refunded_at set and do nothing.
 *
 * A refund an admin asked for (/admin_refund: a pending star_refund_requests row) is theirs
 * whoever reports it first: refund_source 'admin', refunded_by and the audit's actor the admin,
 * `reported_by` in the audit the source that recorded it; the request is settled 'refunded' and
 * the admin told, in this transaction. So a crash of the admin's job after its call loses
 * neither the refund nor who made it. (A dispute refund Telegram makes while such a request is
 * pending cannot be told apart from it either: CHARGE_ALREADY_REFUNDED answers both.)
 */
export async function recordRefund(tx: Queryable, refund: { chargeId: string; source: 'admin' | 'telegram' | 'reconciliation' | 'superseded'; actorId?: number | null }):
  Promise<RecordedRefund> {
  // Locked before the charge's row, as the admin's job and every other report take them.
  // /admin_refund (requestAdminRefund) locks the charge first, but never waits on a request's
  // lock (its insert skips a committed pending row), so the two orders cannot deadlock.
  const request = await lockPendingRefundRequest(tx, refund.chargeId);
  const source = request ? 'admin' : refund.source;
  const actorId = request ? request.requested_by : refund.actorId ?? null;
  const [payment] = await tx<RefundedCharge[]>`
    update star_payments set refunded_at = now(), refund_source = ${source}, refunded_by = ${actorId}
    where charge_id = ${refund.chargeId} and refunded_at is null
    returning charge_id, user_id, plan, amount, subscription_id, refunded_at`;
  if (!payment) {
    const [known] = await tx<RefundedCharge[]>`
      select charge_id, user_id, plan, amount, subscription_id, refunded_at from star_payments where charge_id = ${refund.chargeId}`;
    return known ? { status: 'already', payment: known } : { status: 'unknown' };
  }
  const current = await readUserPlan(tx, payment.user_id);
  // An unmatched charge (no plan) paid for nothing: nothing ends.
  const ended = current.source === 'payment' && payment.plan !== null
    ? (await endPlan(tx, { userId: payment.user_id, reason: 'refunded', source: 'refund', actorId, onlyPlan: payment.plan }))?.ended
    : undefined;
  if (payment.subscription_id !== null) {
    const [sub] = await tx<{ first_charge_id: string }[]>`
      update star_subscriptions set state = 'canceled', updated_at = now() where id = ${payment.subscription_id} returning first_charge_id`;
    if (sub) {
      await enqueue(tx, cancelStarSubscriptionJob, { userId: payment.user_id, firstChargeId: sub.first_charge_id },
        { dedupeKey: `star_subscription_cancel:${sub.first_charge_id}` });
    }
  }
  await recordAudit(tx, { actorId, action: 'payment.refunded', subjectUserId: payment.user_id,
    details: { charge_id: payment.charge_id, stars: payment.amount, plan: payment.plan, source, plan_ended: ended ?? null,
      ...(request ? { refund_request_id: request.id, reported_by: refund.source } : {}) } });
  await enqueue(tx, planNoticeJob, payment.plan === null
    ? { userId: payment.user_id, notice: 'refunded_unmatched', plan: 'free', amount: payment.amount }
    : { userId: payment.user_id, notice: ended ? 'refunded' : 'refunded_kept', plan: payment.plan, amount: payment.amount },
    { dedupeKey: `plan_notice:refund:${payment.charge_id}` });
  if (request) await settleRefundRequest(tx, request.id, { state: 'refunded', userId: payment.user_id, amount: payment.amount, ended: ended ?? null });
  return { status: 'refunded', payment, ended };
}
