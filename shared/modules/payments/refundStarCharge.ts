import { type Api, GrammyError } from 'grammy';
import { classifyTelegramError } from '../../bot/classifyTelegramError.js';

/** What Telegram answered a refund: made, made before, or refused for good (with its description). */
export type RefundAnswer = { status: 'refunded' } | { status: 'already' } | { status: 'refused'; reason: string };

/**
 * Calls refundStarPayment, the one irreversible step of every refund the bot makes (an admin's,
 * a superseded renewal's); the caller has recorded its intent first and records the refund after.
 * `CHARGE_ALREADY_REFUNDED` is 'already': Telegram returns it also when the refund went through
 * (tdlib/telegram-bot-api#690), so a retry after a crash finds the refund done, never makes a
 * second. Any other 4xx (CHARGE_ID_INVALID, CHARGE_NOT_FOUND, a bad user id…) is 'refused':
 * retrying sends the same request. A transient failure (429 past the client's retries, 5xx, no
 * answer) is thrown, for the job to try again: its effect is unknown, and a retry settles it.
 */
export async function refundStarCharge(api: Api, userId: number, chargeId: string): Promise<RefundAnswer> {
  try {
    await api.refundStarPayment(userId, chargeId);
    return { status: 'refunded' };
  } catch (err) {
    if (err instanceof GrammyError && err.description.includes('CHARGE_ALREADY_REFUNDED')) return { status: 'already' };
    if (err instanceof GrammyError && classifyTelegramError(err) !== 'transient') return { status: 'refused', reason: err.description };
    throw err;
  }
}
