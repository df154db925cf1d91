import type { Api } from 'grammy';
import { classifyTelegramError } from '../../bot/classifyTelegramError.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { jobHandler, PermanentJobError } from '../../queue/jobHandler.js';
import { alertNotifyJob } from './alertNotifyJob.js';
import { renderAlert } from './renderAlert.js';

/**
 * Sends an alert to one admin in their language (their users row, if they ever started the
 * bot; else English). An admin who never started the bot, or blocked it, cannot be written to:
 * logged and dropped (the others still get theirs). Transient failures are retried: at least
 * once, so a send whose answer was lost may arrive twice, which for an alert beats none.
 */
export function alertNotifyHandler(deps: { api: Api }) {
  return jobHandler(alertNotifyJob, async (p, ctx) => {
    const [user] = await ctx.sql<{ locale: string | null; language_code: string | null }[]>`
      select locale, language_code from users where id = ${p.chatId}`;
    const locale = pickLocale(user?.locale, user?.language_code ?? undefined);
    const text = renderAlert(createTranslator(locale), locale, p);
    try {
      await deps.api.sendMessage(p.chatId, text, { parse_mode: 'HTML' });
    } catch (err) {
      const kind = classifyTelegramError(err);
      if (kind === 'undeliverable') return void ctx.log.warn({ err, chat_id: p.chatId }, 'admin unreachable (never started the bot, or blocked it); alert dropped');
      if (kind === 'rejected') throw new PermanentJobError('Telegram rejected the alert', { cause: err });
      throw err;
    }
  });
}
