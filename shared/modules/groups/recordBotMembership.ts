import type { Chat, ChatMember } from 'grammy/types';
import type { Queryable } from '../../db/Queryable.js';
import { jsonb } from '../../db/jsonb.js';
import { botRightsOf, isBotAdmin } from './botRights.js';

/** A group chat as Telegram describes it in updates. */
export type GroupChat = Extract<Chat, { type: 'group' | 'supergroup' | 'channel' }>;

/**
 * Records the bot's membership in a group (from my_chat_member or getChatMember): title,
 * type, status and admin rights. Creates the row the first time. When the bot is no longer
 * an admin, an active group is deactivated in the same statement (the trigger on `groups`
 * withdraws unlimited points with it); the result names the admin whose group it was, and
 * whether that cost them unlimited points (no other active group of theirs), so that the
 * caller can tell them.
 */
export async function recordBotMembership(sql: Queryable, chat: GroupChat, member: ChatMember): Promise<{ deactivatedAdminId: number | null; withdrawn: boolean }> {
  const admin = isBotAdmin(member);
  const reason = member.status === 'kicked' || member.status === 'left' ? 'bot_removed' : 'bot_demoted';
  const [row] = await sql<{ deactivatedAdminId: number | null; withdrawn: boolean }[]>`
    with before as (select active from groups where chat_id = ${chat.id})
    insert into groups as g (chat_id, title, type, bot_status, bot_rights)
    values (${chat.id}, ${chat.title}, ${chat.type}, ${member.status}, ${jsonb(sql, botRightsOf(member))})
    on conflict (chat_id) do update set
      title = excluded.title, type = excluded.type, bot_status = excluded.bot_status, bot_rights = excluded.bot_rights,
      active = g.active and ${admin},
      deactivated_at = case when g.active and not ${admin} then now() else g.deactivated_at end,
      deactivated_reason = case when g.active and not ${admin} then ${reason} else g.deactivated_reason end,
      updated_at = now()
    returning case when coalesce((select active from before), false) and not g.active then g.admin_user_id end as "deactivatedAdminId",
      -- Subqueries read the statement's snapshot: the other groups as they were.
      not exists (select 1 from groups o where o.admin_user_id = g.admin_user_id and o.active and o.chat_id <> g.chat_id) as withdrawn`;
  const deactivatedAdminId = row?.deactivatedAdminId ?? null;
  return { deactivatedAdminId, withdrawn: deactivatedAdminId !== null && row?.withdrawn === true };
}
