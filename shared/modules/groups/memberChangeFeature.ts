import { Composer } from 'grammy';
import type { ChatMember } from 'grammy/types';
import { isBotAdmin } from './botRights.js';
import { readGroup } from './readGroup.js';
import { deactivateGroup } from './setGroupActive.js';
import { tellUser } from '../users/tellUser.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * Other people's membership (chat_member, which Telegram sends while the bot is an admin):
 * an active group stops being active, and its admin's unlimited points with it, when the
 * linked admin leaves (they are unlinked too, so another admin may /init the group) or is no
 * longer an admin, and when a member leaves and Telegram's member count falls below
 * `groupMinMembers`. The admin is told in a DM. Telegram's answer is read again rather than
 * trusted from the update only for the count, which the update does not carry.
 */
export const memberChangeFeature = new Composer<BotContext>();

memberChangeFeature.on('chat_member', async (ctx) => {
  const { chat, new_chat_member: member } = ctx.chatMember;
  if (chat.type === 'private' || isBotAdmin(member)) return;
  const group = await readGroup(ctx.sql, chat.id);
  if (!group?.active) return;
  const title = chat.title;

  if (member.user.id === group.adminUserId) {
    const left = !isInChat(member);
    const { withdrawnFrom } = await deactivateGroup(ctx.sql, chat.id, left ? 'admin_left' : 'admin_demoted', { unlink: left });
    ctx.log.info({ chat_id: chat.id, admin_user_id: member.user.id, status: member.status }, 'linked admin left or was demoted: group deactivated');
    if (withdrawnFrom !== null) await tellUser(ctx.sql, ctx.api, ctx.log, withdrawnFrom, (t) => t(left ? 'unlimited_withdrawn_admin_left' : 'unlimited_withdrawn_admin_demoted', { title }));
    return;
  }
  if (isInChat(member)) return;
  const min = ctx.settings.groupMinMembers;
  const count = await ctx.api.getChatMemberCount(chat.id);
  if (count >= min) return;
  const { withdrawnFrom } = await deactivateGroup(ctx.sql, chat.id, 'too_few_members');
  ctx.log.info({ chat_id: chat.id, members: count, min }, 'group fell below the member minimum: deactivated');
  if (withdrawnFrom !== null) await tellUser(ctx.sql, ctx.api, ctx.log, withdrawnFrom, (t) => t('unlimited_withdrawn_too_few_members', { title, min }));
});

/** Whether the member is (still) in the chat: a restricted member may be in it or not. */
function isInChat(member: ChatMember): boolean {
  if (member.status === 'restricted') return member.is_member;
  return member.status !== 'left' && member.status !== 'kicked';
}
