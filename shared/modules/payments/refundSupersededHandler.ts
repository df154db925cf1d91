import { type Api, GrammyError } from 'grammy';
import { atomically } from '../../db/atomically.js';
import { jobHandler } from '../../queue/jobHandler.js';
import { recordRefund } from './recordRefund.js';
import { refundSupersededJob } from './refundSupersededJob.js';

export function refundSupersededHandler(deps: { api: Api }) {
  return jobHandler(refundSupersededJob, async (p, ctx) => {
    try {
      await deps.api.refundStarPayment(p.userId, p.chargeId);
    } catch (err) {
      // Telegram returns it also when the refund went through (tdlib/telegram-bot-api#690): done.
      if (!(err instanceof GrammyError && err.description.includes('CHARGE_ALREADY_REFUNDED'))) throw err;
    }
    // Records it once, tells the user (payment_refunded_kept) and writes payment.refunded; the plan in force is not this one, so nothing ends.
    await atomically(ctx.sql, (tx) => recordRefund(tx, { chargeId: p.chargeId, source: 'superseded' }));
  });
}
