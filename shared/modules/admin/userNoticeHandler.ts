import { type Api, GrammyError } from 'grammy';
import { classifyTelegramError } from '../../bot/classifyTelegramError.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { jobHandler, PermanentJobError } from '../../queue/jobHandler.js';
import { setUserReachable } from '../users/setUserReachable.js';
import { userNoticeJob } from './userNoticeJob.js';

/**
 * Sends the notice in the user's language. A user who blocked the bot is marked unreachable and
 * the notice dropped; transient failures are retried by the queue.
 */
export function userNoticeHandler(deps: { api: Api }) {
  return jobHandler(userNoticeJob, async ({ userId, notice }, ctx) => {
    const [user] = await ctx.sql<{ locale: string | null; language_code: string | null }[]>`
      select locale, language_code from users where id = ${userId}`;
    const t = createTranslator(pickLocale(user?.locale, user?.language_code ?? undefined));
    try {
      await deps.api.sendMessage(userId, t(notice), { parse_mode: 'HTML' });
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
