import type { IncomingMessage } from 'node:http';
import type { Locale } from '../i18n/catalogs.js';
import type { Queryable } from '../db/Queryable.js';
import { parseCookies } from './cookies.js';
import { DASHBOARD_LOCALES, requestLocale } from './requestLocale.js';

/** The EN/RU switch's choice (set by GET /admin/language), which wins over everything else. */
export const LANGUAGE_COOKIE = 'admin_lang';

const known = (tag: string | null | undefined): Locale | undefined => {
  const primary = tag?.split('-')[0]?.toLowerCase();
  return DASHBOARD_LOCALES.find((l) => l === primary);
};

/** A language the dashboard is written in, from a switch's `to` or the cookie; undefined for anything else. */
export const dashboardLocaleOf = known;

/**
 * The language of a dashboard page: the switch's cookie if set; else, for a signed-in admin, the
 * language the bot speaks to them (`users.locale` chosen in /settings, else Telegram's
 * `language_code`), when the bot has met them; else the browser's (Accept-Language); else English.
 * Its own small query rather than the bot's pickLocale, whose module loads every bot catalog.
 */
export async function dashboardLocale(sql: Queryable, req: IncomingMessage, userId?: number): Promise<Locale> {
  const chosen = known(parseCookies(req.headers.cookie).get(LANGUAGE_COOKIE));
  if (chosen) return chosen;
  if (userId !== undefined) {
    const [user] = await sql<{ locale: string | null; language_code: string | null }[]>`select locale, language_code from users where id = ${userId}`;
    const own = known(user?.locale) ?? known(user?.language_code);
    if (own) return own;
  }
  return requestLocale(req.headers['accept-language']);
}
