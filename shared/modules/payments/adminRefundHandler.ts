import type { Api } from 'grammy';
import { atomically } from '../../db/atomically.js';
import { jobHandler, toError } from '../../queue/jobHandler.js';
import { adminRefundJob } from './adminRefundJob.js';
import { recordRefund } from './recordRefund.js';
import { refundStarCharge } from './refundStarCharge.js';
import { settleRefundRequest } from './settleRefundRequest.js';

/**
 * Makes an admin's refund (adminRefundJob) from its request row, the way the superseded refund
 * is made (refundStarCharge, then recordRefund), and tells the admin once (settleRefundRequest):
 *
 * - A request no longer pending was settled (by an earlier run, or by a refunded_payment or the
 *   reconciliation recording the refund as the admin's): nothing is called again.
 * - Refunded, or CHARGE_ALREADY_REFUNDED (a run before a crash made it): recorded as the admin's.
 *   If the refund was recorded before this request existed, it was someone else's: 'already'.
 * - Refused (CHARGE_NOT_FOUND, CHARGE_ID_INVALID…): the request fails with Telegram's reason.
 * - No answer (429, 5xx, network): thrown, so the queue tries again; on the last attempt the
 *   admin is told the outcome is unknown and the request stays pending, for a replay of the job
 *   or for whoever reports the refund later.
 */
export function adminRefundHandler(deps: { api: Api }) {
  return jobHandler(adminRefundJob, async ({ requestId }, ctx) => {
    const [request] = await ctx.sql<{ charge_id: string; state: string; user_id: number; amount: number }[]>`
      select r.charge_id, r.state, p.user_id, p.amount from star_refund_requests r join star_payments p using (charge_id) where r.id = ${requestId}`;
    if (!request || request.state !== 'pending') return void ctx.log.info({ state: request?.state }, 'refund request already settled');
    const userId = Number(request.user_id);
    const charge = { userId, amount: request.amount };
    let answer;
    try {
      answer = await refundStarCharge(deps.api, userId, request.charge_id);
    } catch (err) {
      if (ctx.job.attempts >= ctx.job.max_attempts) {
        await atomically(ctx.sql, (tx) => settleRefundRequest(tx, requestId, { ...charge, state: 'unknown', error: toError(err).message }));
      }
      throw err;
    }
    await atomically(ctx.sql, async (tx) => {
      if (answer.status === 'refused') return void (await settleRefundRequest(tx, requestId, { ...charge, state: 'failed', error: answer.reason }));
      // 'refunded' settles the request (recordRefund finds it pending); 'already': recorded before it was made.
      const recorded = await recordRefund(tx, { chargeId: request.charge_id, source: 'admin' });
      if (recorded.status !== 'refunded') await settleRefundRequest(tx, requestId, { ...charge, state: 'already' });
    });
  });
}
