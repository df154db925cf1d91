import type { Api } from 'grammy';
import type { Queryable } from '../../db/Queryable.js';
import type { Locale } from '../../i18n/catalogs.js';
import { createTranslator, type Translator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import type { Logger } from '../../logger.js';

/**
 * Sends a user a message in their own language (chosen in /settings, else Telegram's; `render`
 * gets it too, for dates in its format), for
 * news that reaches them outside their own update: an admin whose group lost the bot. Best
 * effort: the change it reports is committed, and a user who blocked the bot must not fail
 * the update that caused it.
 */
export async function tellUser(sql: Queryable, api: Api, log: Logger, userId: number, render: (t: Translator, locale: Locale) => string): Promise<void> {
  const [user] = await sql<{ locale: string | null; language_code: string | null }[]>`select locale, language_code from users where id = ${userId}`;
  const locale = pickLocale(user?.locale, user?.language_code ?? undefined);
  const t = createTranslator(locale);
  try {
    await api.sendMessage(userId, render(t, locale), { parse_mode: 'HTML' });
  } catch (err) {
    log.warn({ err, user_id: userId }, 'could not tell the user');
  }
}
