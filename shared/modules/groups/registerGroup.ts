import type { Queryable } from '../../db/Queryable.js';
import type { GroupChat } from './recordBotMembership.js';

/** What {@link registerGroup} did. */
export type RegisterGroupResult =
  | { status: 'registered' }
  /** Another admin registered the group already; they stay linked. */
  | { status: 'taken'; adminUserId: number };

/**
 * Links a group to the admin who sent /init (the caller has checked with Telegram that they
 * are an admin). Registering again by the same admin refreshes the row; another admin cannot
 * take over a group whose linked admin is set. The user row must exist.
 */
export async function registerGroup(sql: Queryable, chat: GroupChat, adminUserId: number): Promise<RegisterGroupResult> {
  const [row] = await sql<{ adminUserId: number }[]>`
    insert into groups as g (chat_id, title, type, bot_status, admin_user_id, registered_at)
    values (${chat.id}, ${chat.title}, ${chat.type}, 'member', ${adminUserId}, now())
    on conflict (chat_id) do update set
      title = excluded.title,
      admin_user_id = coalesce(g.admin_user_id, excluded.admin_user_id),
      registered_at = case when g.admin_user_id is null then now() else g.registered_at end,
      updated_at = now()
    returning admin_user_id as "adminUserId"`;
  return row!.adminUserId === adminUserId ? { status: 'registered' } : { status: 'taken', adminUserId: row!.adminUserId };
}
