import type { Queryable } from '../../db/Queryable.js';

/** Whether a user may broadcast: listed in ADMIN_TELEGRAM_IDS, or marked `users.is_admin`. */
export async function isBroadcastAdmin(sql: Queryable, userId: number, configured: readonly number[]): Promise<boolean> {
  if (configured.includes(userId)) return true;
  const [row] = await sql<{ is_admin: boolean }[]>`select is_admin from users where id = ${userId}`;
  return row?.is_admin === true;
}
