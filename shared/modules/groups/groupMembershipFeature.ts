import { Composer } from 'grammy';
import { missingBotRight } from './botRights.js';
import { migrateGroup } from './migrateGroup.js';
import { type GroupChat, recordBotMembership } from './recordBotMembership.js';
import { setUserReachable } from '../users/setUserReachable.js';
import { tellUser } from '../users/tellUser.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * The bot's own membership (my_chat_member): in groups, recorded with the bot's rights; when
 * the bot is removed or demoted an active group is deactivated and its admin loses unlimited
 * points and is told. In private chats it says whether the user blocked the bot. Also follows
 * a group's upgrade to a supergroup, so its registration moves to the new id.
 */
export const groupMembershipFeature = new Composer<BotContext>();

groupMembershipFeature.on('my_chat_member', async (ctx) => {
  const { chat, new_chat_member: member, old_chat_member: old } = ctx.myChatMember;
  if (chat.type === 'private') {
    await setUserReachable(ctx.sql, chat.id, member.status !== 'kicked');
    return;
  }
  const result = await recordBotMembership(ctx.sql, chat as GroupChat, member);
  ctx.log.info({ chat_id: chat.id, from: old.status, to: member.status }, 'bot membership changed');
  if (result.deactivatedAdminId !== null) {
    const adminId = result.deactivatedAdminId;
    const reason = member.status === 'kicked' || member.status === 'left' ? 'bot_removed' : 'bot_demoted';
    if (result.withdrawn) {
      await tellUser(ctx.sql, ctx.api, ctx.log, adminId, (t) => t('unlimited_withdrawn', { reason: t(`deactivated_${reason}`), title: chat.title }));
    }
  }
  const joined = (old.status === 'left' || old.status === 'kicked') && member.status !== 'left' && member.status !== 'kicked';
  if (joined && chat.type !== 'channel') await ctx.reply(greeting(ctx.t, missingBotRight(member)), { parse_mode: 'HTML' });
});

/**
 * The hello when the bot is added: what it still lacks, or, added as an admin with every right
 * it needs, just the next step.
 */
function greeting(t: BotContext['t'], missing: ReturnType<typeof missingBotRight>): string {
  if (missing === null) return t('group_added_ready');
  if (missing === 'not_admin') return t('group_added');
  return t('group_added_missing_right', { right: t(`right_${missing}`) });
}

// Telegram announces an upgrade in both chats: migrate_to_chat_id in the old one,
// migrate_from_chat_id in the new one. Either moves the registration (idempotently).
groupMembershipFeature.on('message:migrate_to_chat_id', async (ctx) => {
  await migrateGroup(ctx.sql, ctx.chat.id, ctx.msg.migrate_to_chat_id);
  ctx.log.info({ from: ctx.chat.id, to: ctx.msg.migrate_to_chat_id }, 'group upgraded to a supergroup');
});
groupMembershipFeature.on('message:migrate_from_chat_id', async (ctx) => {
  await migrateGroup(ctx.sql, ctx.msg.migrate_from_chat_id, ctx.chat.id);
});
