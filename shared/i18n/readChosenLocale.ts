import type { Queryable } from '../db/Queryable.js';

/**
 * The language a user chose in /settings: `null` when they follow Telegram's, `undefined`
 * when they are not registered.
 */
export async function readChosenLocale(sql: Queryable, userId: number): Promise<string | null | undefined> {
  const [row] = await sql<{ locale: string | null }[]>`select locale from users where id = ${userId}`;
  return row ? row.locale : undefined;
}
