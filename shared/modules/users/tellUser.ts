import type { Api, InlineKeyboard } from 'grammy';
import type { Queryable } from '../../db/Queryable.js';
import type { Locale } from '../../i18n/catalogs.js';
import { createTranslator, type Translator } from '../../i18n/createTranslator.js';
import type { Logger } from '../../logger.js';
import { readNoticeRecipient } from './readNoticeRecipient.js';

/**
 * Sends a user a message in their own language (chosen in /settings, else Telegram's; `render`
 * gets it too, for dates in its format), for
 * news that reaches them outside their own update: an admin whose group lost the bot. Best
 * effort: the change it reports is committed, and a user who blocked the bot must not fail
 * the update that caused it. A banned user is not told (readNoticeRecipient). `render` may return
 * buttons with the text (the plan notice's choices).
 */
export async function tellUser(sql: Queryable, api: Api, log: Logger, userId: number,
  render: (t: Translator, locale: Locale) => string | { text: string; keyboard?: InlineKeyboard }): Promise<void> {
  const recipient = await readNoticeRecipient(sql, userId);
  if (!recipient) return void log.info({ user_id: userId }, 'user banned: not told');
  const { locale } = recipient;
  const t = createTranslator(locale);
  try {
    const message = render(t, locale);
    if (typeof message === 'string') await api.sendMessage(userId, message, { parse_mode: 'HTML' });
    else await api.sendMessage(userId, message.text, { parse_mode: 'HTML', ...(message.keyboard ? { reply_markup: message.keyboard } : {}) });
  } catch (err) {
    log.warn({ err, user_id: userId }, 'could not tell the user');
  }
}
