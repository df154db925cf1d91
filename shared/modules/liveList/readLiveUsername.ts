import type { Queryable } from '../../db/Queryable.js';

/** A registered user's Instagram username: `undefined` if not registered, `null` if not set. */
export async function readLiveUsername(sql: Queryable, userId: number): Promise<string | null | undefined> {
  const [row] = await sql<{ live_username: string | null }[]>`select live_username from users where id = ${userId}`;
  return row ? row.live_username : undefined;
}
