import type { Queryable } from '../../db/Queryable.js';

/**
 * Marks a user unreachable (they blocked the bot: a send failed with "bot was blocked by the
 * user", or my_chat_member said so) or reachable again (they unblocked it). User broadcasts
 * skip unreachable users.
 */
export async function setUserReachable(sql: Queryable, userId: number, reachable: boolean): Promise<void> {
  await sql`
    update users set unreachable_since = case when ${reachable} then null else coalesce(unreachable_since, now()) end
    where id = ${userId}`;
}
