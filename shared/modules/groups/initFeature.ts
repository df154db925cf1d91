import { Composer } from 'grammy';
import { missingBotRight } from './botRights.js';
import { ANONYMOUS_ADMIN_ID, checkGroupAdmins } from './checkGroupAdmins.js';
import { type GroupChat, recordBotMembership } from './recordBotMembership.js';
import { registerGroup } from './registerGroup.js';
import { upsertUser } from '../users/upsertUser.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * `/init` in a group: registers it and links it to the sender, after Telegram confirms the
 * sender is an admin there. The reply says what the bot still lacks, naming the exact right
 * ("Invite users via link" approves join requests), or what to do next.
 */
export const initFeature = new Composer<BotContext>();

initFeature.chatType('private').command('init', async (ctx) => {
  await ctx.reply(ctx.t('group_only'));
});

initFeature.chatType(['group', 'supergroup']).command('init', async (ctx) => {
  if (ctx.from.id === ANONYMOUS_ADMIN_ID) return void (await ctx.reply(ctx.t('group_init_anonymous')));
  const check = await checkGroupAdmins(ctx.api, ctx.chat.id, ctx.from.id, ctx.me.id);
  if (!check.userIsAdmin) return void (await ctx.reply(ctx.t('group_init_not_admin')));

  await upsertUser(ctx.sql, ctx.from);
  const chat = ctx.chat as GroupChat;
  await recordBotMembership(ctx.sql, chat, check.bot);
  const result = await registerGroup(ctx.sql, chat, ctx.from.id);
  if (result.status === 'taken') return void (await ctx.reply(ctx.t('group_init_taken')));
  ctx.log.info({ chat_id: ctx.chat.id, admin_user_id: ctx.from.id }, 'group registered');

  const lines = [ctx.t('group_registered', { name: ctx.from.first_name })];
  lines.push(botRightsAdvice(ctx.t, missingBotRight(check.bot)) ?? ctx.t('group_init_next'));
  await ctx.reply(lines.join('\n\n'), { parse_mode: 'HTML' });
});

/** The sentence telling an admin what to grant the bot, or `null` when it has everything. */
export function botRightsAdvice(t: BotContext['t'], missing: ReturnType<typeof missingBotRight>): string | null {
  if (missing === null) return null;
  if (missing === 'not_admin') return t('group_bot_not_admin', { right: t('right_can_invite_users') });
  return t('group_bot_missing_right', { right: t(`right_${missing}`) });
}
