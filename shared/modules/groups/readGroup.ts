import type { Queryable } from '../../db/Queryable.js';
import type { GroupRow } from './groupRow.js';

/** The group with this chat id, or `null` if the bot never recorded it. */
export async function readGroup(sql: Queryable, chatId: number): Promise<GroupRow | null> {
  const [row] = await sql<GroupRow[]>`
    select id, chat_id as "chatId", title, type, bot_status as "botStatus", bot_rights as "botRights",
      admin_user_id as "adminUserId", active, greet_joiners as "greetJoiners"
    from groups where chat_id = ${chatId}`;
  return row ?? null;
}
