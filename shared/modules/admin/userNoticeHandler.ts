import { type Api, GrammyError } from 'grammy';
import { classifyTelegramError } from '../../bot/classifyTelegramError.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { jobHandler, PermanentJobError } from '../../queue/jobHandler.js';
import { readNoticeRecipient } from '../users/readNoticeRecipient.js';
import { readSetAside, renderSetAside } from '../instapost/setAsideNotice.js';
import { setUserReachable } from '../users/setUserReachable.js';
import { userNoticeJob } from './userNoticeJob.js';

/**
 * Sends the notice in the user's language. A user who blocked the bot is marked unreachable and
 * the notice dropped; transient failures are retried by the queue. A banned user gets none
 * (readNoticeRecipient): the job completes with the notice dropped.
 */
export function userNoticeHandler(deps: { api: Api }) {
  return jobHandler(userNoticeJob, async ({ userId, notice }, ctx) => {
    const recipient = await readNoticeRecipient(ctx.sql, userId);
    if (!recipient) return void ctx.log.info('user banned; admin notice dropped');
    const t = createTranslator(recipient.locale);
    // Friends & Family ended: the posts beyond Free's queue were set aside with it; the user chooses.
    const setAside = notice === 'admin_notice_ff_removed' ? await readSetAside(ctx.sql, userId) : undefined;
    const extra = setAside && renderSetAside(t, setAside);
    try {
      await deps.api.sendMessage(userId, extra ? `${t(notice)}\n\n${extra.text}` : t(notice),
        { parse_mode: 'HTML', ...(extra ? { reply_markup: extra.keyboard } : {}) });
    } catch (err) {
      const kind = classifyTelegramError(err);
      if (kind === 'undeliverable') {
        if (err instanceof GrammyError && err.error_code === 403) await setUserReachable(ctx.sql, userId, false);
        return void ctx.log.info({ err }, 'user unreachable; admin notice dropped');
      }
      if (kind === 'rejected') throw new PermanentJobError('Telegram rejected the admin notice', { cause: err });
      throw err;
    }
  });
}
