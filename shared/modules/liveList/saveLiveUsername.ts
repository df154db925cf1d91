import type { Queryable } from '../../db/Queryable.js';

/** Saves a user's Instagram username (already parsed). False if the user is not registered. */
export async function saveLiveUsername(sql: Queryable, userId: number, username: string): Promise<boolean> {
  const rows = await sql`update users set live_username = ${username}, updated_at = now() where id = ${userId} returning id`;
  return rows.length > 0;
}
