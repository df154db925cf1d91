import type { Queryable } from '../db/Queryable.js';
import type { Locale } from './catalogs.js';

/** Saves the user's language; `null` follows their Telegram language again. False if not registered. */
export async function saveChosenLocale(sql: Queryable, userId: number, locale: Locale | null): Promise<boolean> {
  const rows = await sql`update users set locale = ${locale}, updated_at = now() where id = ${userId} returning id`;
  return rows.length > 0;
}
