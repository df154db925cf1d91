import type { Queryable } from '../../db/Queryable.js';

/** The user's IANA time zone (default UTC); undefined if not registered. */
export async function readUserTimeZone(sql: Queryable, userId: number): Promise<string | undefined> {
  const [row] = await sql<{ time_zone: string }[]>`select time_zone from users where id = ${userId}`;
  return row?.time_zone;
}

/** Saves the user's time zone (already checked with isTimeZone). */
export async function saveUserTimeZone(sql: Queryable, userId: number, zone: string): Promise<boolean> {
  return (await sql`update users set time_zone = ${zone}, updated_at = now() where id = ${userId} returning id`).length > 0;
}
