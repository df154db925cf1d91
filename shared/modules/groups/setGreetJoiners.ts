import type { Queryable } from '../../db/Queryable.js';

/** Turns the DM greeting for approved joiners on or off; false when the group is not this admin's. */
export async function setGreetJoiners(sql: Queryable, chatId: number, adminUserId: number, on: boolean): Promise<boolean> {
  const rows = await sql`update groups set greet_joiners = ${on}, updated_at = now() where chat_id = ${chatId} and admin_user_id = ${adminUserId} returning id`;
  return rows.length > 0;
}
