import type { Queryable } from '../../db/Queryable.js';

/** A date as the user reads it: their language, in their time zone (users.time_zone, UTC by default). */
export async function formatPlanDate(sql: Queryable, userId: number, locale: string, at: Date): Promise<string> {
  const [row] = await sql<{ time_zone: string }[]>`select time_zone from users where id = ${userId}`;
  return new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: row?.time_zone ?? 'UTC' }).format(at);
}
