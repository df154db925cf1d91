import { type Api, GrammyError } from 'grammy';
import { classifyTelegramError } from '../../bot/classifyTelegramError.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { jobHandler, PermanentJobError } from '../../queue/jobHandler.js';
import { readNoticeRecipient } from './readNoticeRecipient.js';
import { referralNoticeJob } from './referralNoticeJob.js';
import { setUserReachable } from './setUserReachable.js';

/**
 * Sends the referral notice in the referrer's language (chosen in /settings, else Telegram's).
 * A referrer who blocked the bot is marked unreachable and the notice dropped; transient
 * failures are retried by the queue. A banned referrer gets none (readNoticeRecipient; the credit
 * stands, in their /points).
 */
export function referralNoticeHandler(deps: { api: Api }) {
  return jobHandler(referralNoticeJob, async (p, ctx) => {
    const recipient = await readNoticeRecipient(ctx.sql, p.referrerId);
    if (!recipient) return void ctx.log.info('referrer banned; notice dropped');
    const t = createTranslator(recipient.locale);
    const text = t('referral_credited', { name: p.name, points: t('points', { count: p.points }), balance: t('points', { count: p.balance }) });
    try {
      await deps.api.sendMessage(p.referrerId, text, { parse_mode: 'HTML' });
    } catch (err) {
      const kind = classifyTelegramError(err);
      if (kind === 'undeliverable') {
        if (err instanceof GrammyError && err.error_code === 403) await setUserReachable(ctx.sql, p.referrerId, false);
        return void ctx.log.info({ err }, 'referrer unreachable; notice dropped');
      }
      if (kind === 'rejected') throw new PermanentJobError('Telegram rejected the referral notice', { cause: err });
      throw err;
    }
  });
}
