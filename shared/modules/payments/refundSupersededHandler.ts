import type { Api } from 'grammy';
import { atomically } from '../../db/atomically.js';
import { jobHandler, PermanentJobError } from '../../queue/jobHandler.js';
import { recordRefund } from './recordRefund.js';
import { refundStarCharge } from './refundStarCharge.js';
import { refundSupersededJob } from './refundSupersededJob.js';

export function refundSupersededHandler(deps: { api: Api }) {
  return jobHandler(refundSupersededJob, async (p, ctx) => {
    const answer = await refundStarCharge(deps.api, p.userId, p.chargeId);
    // Refused for good: retrying sends the same request; the dead job keeps it for an operator.
    if (answer.status === 'refused') throw new PermanentJobError(`Telegram refused the refund: ${answer.reason}`);
    // Records it once, tells the user (payment_refunded_kept) and writes payment.refunded; the plan in force is not this one, so nothing ends.
    await atomically(ctx.sql, (tx) => recordRefund(tx, { chargeId: p.chargeId, source: 'superseded' }));
  });
}
