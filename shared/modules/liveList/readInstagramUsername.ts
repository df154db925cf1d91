import type { Queryable } from '../../db/Queryable.js';

/** A registered user's Instagram username: `undefined` if not registered, `null` if not set. */
export async function readInstagramUsername(sql: Queryable, userId: number): Promise<string | null | undefined> {
  const [row] = await sql<{ instagram_username: string | null }[]>`select instagram_username from users where id = ${userId}`;
  return row ? row.instagram_username : undefined;
}
