import { Composer } from 'grammy';
import { missingBotRight } from './botRights.js';
import { checkGroupAdmins } from './checkGroupAdmins.js';
import { readGroup } from './readGroup.js';
import { type GroupChat, recordBotMembership } from './recordBotMembership.js';
import { activateGroup, deactivateGroup } from './setGroupActive.js';
import type { BotContext } from '../../bot/botContext.js';
import { botRightsAdvice } from './initFeature.js';

/**
 * `/activate` in a registered group, by its linked admin: join requests are approved from
 * now on, and the admin has unlimited points while the group stays active: the bot and the admin
 * stay admins there and it keeps `groupMinMembers` members. All three are checked with Telegram
 * again (getChatMember, getChatMemberCount), since they may have changed since /init.
 */
export const activateFeature = new Composer<BotContext>();

activateFeature.chatType('private').command('activate', async (ctx) => {
  await ctx.reply(ctx.t('group_only'));
});

activateFeature.chatType(['group', 'supergroup']).command('activate', async (ctx) => {
  const group = await readGroup(ctx.sql, ctx.chat.id);
  if (group?.adminUserId == null) return void (await ctx.reply(ctx.t('group_activate_unregistered')));
  if (group.adminUserId !== ctx.from.id) return void (await ctx.reply(ctx.t('group_activate_not_linked')));

  const check = await checkGroupAdmins(ctx.api, ctx.chat.id, ctx.from.id, ctx.me.id);
  await recordBotMembership(ctx.sql, ctx.chat as GroupChat, check.bot);
  if (!check.userIsAdmin) return void (await ctx.reply(ctx.t('group_activate_not_admin')));
  const advice = botRightsAdvice(ctx.t, missingBotRight(check.bot));
  if (advice !== null) return void (await ctx.reply(advice, { parse_mode: 'HTML' }));

  // A real group, not one made for the points: Telegram's count (admins and bots included).
  const members = await ctx.api.getChatMemberCount(ctx.chat.id);
  if (members < ctx.settings.groupMinMembers) {
    await deactivateGroup(ctx.sql, ctx.chat.id, 'too_few_members');
    return void (await ctx.reply(ctx.t('group_activate_too_small', { count: members, min: ctx.settings.groupMinMembers })));
  }

  await activateGroup(ctx.sql, ctx.chat.id, ctx.from.id);
  ctx.log.info({ chat_id: ctx.chat.id, admin_user_id: ctx.from.id }, 'group activated');
  await ctx.reply(ctx.t('group_activated', { name: ctx.from.first_name }), { parse_mode: 'HTML' });
});
