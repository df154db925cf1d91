import type { Queryable } from '../../db/Queryable.js';

/**
 * Moves a group's registration to its new chat id after an upgrade to a supergroup
 * (`migrate_to_chat_id`). Idempotent: Telegram announces it in both chats, and a broadcast
 * may learn it from an error too. If the bot already made an unregistered row for the new id
 * (it saw the supergroup first), that bare row gives way to the old one; a row someone
 * registered with /init in the supergroup wins instead, and the old row stays as history.
 */
export async function migrateGroup(sql: Queryable, oldChatId: number, newChatId: number): Promise<void> {
  await sql`
    delete from groups where chat_id = ${newChatId} and admin_user_id is null
      and exists (select 1 from groups where chat_id = ${oldChatId})`;
  await sql`
    update groups set chat_id = ${newChatId}, type = 'supergroup', updated_at = now()
    where chat_id = ${oldChatId} and not exists (select 1 from groups where chat_id = ${newChatId})`;
}
