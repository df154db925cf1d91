import type { Queryable } from '../../db/Queryable.js';

/** Whether an admin banned the user (and has not unbanned them). Unknown users are not banned. */
export async function isBanned(sql: Queryable, userId: number): Promise<boolean> {
  const [row] = await sql<{ banned: boolean }[]>`select banned_at is not null as banned from users where id = ${userId}`;
  return row?.banned === true;
}
