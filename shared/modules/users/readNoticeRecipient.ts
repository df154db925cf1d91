import type { Queryable } from '../../db/Queryable.js';
import type { Locale } from '../../i18n/catalogs.js';
import { pickLocale } from '../../i18n/pickLocale.js';

/**
 * Whom a message that reaches a user outside their own update (a job's notice, a post's
 * outcome, a reminder, a plan notice) is for: the language to write it in, or `null` when an
 * admin banned the user, who then gets no such message. The ban notice is not one of them:
 * bannedMiddleware sends it in the banned user's own update. Every sender of such messages asks
 * here, so the rule lives in one place; a user the bot does not know is written to in English.
 *
 * A message held back is dropped, not kept for an unban: what it reported (a post published or
 * failed, a plan ended, points credited) is in the user's /history, /plan and /points by then,
 * and a ban pauses their scheduled posts, whose reminders an unban makes anew.
 */
export async function readNoticeRecipient(sql: Queryable, userId: number): Promise<{ locale: Locale } | null> {
  const [user] = await sql<{ locale: string | null; language_code: string | null; banned: boolean }[]>`
    select locale, language_code, banned_at is not null as banned from users where id = ${userId}`;
  if (user?.banned) return null;
  return { locale: pickLocale(user?.locale, user?.language_code ?? undefined) };
}
