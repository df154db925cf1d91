import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../botContext.js';
import { upsertUser } from '../../users/upsertUser.js';

/** `/start` in a private chat: registers (or refreshes) the user and shows the welcome. */
export const startFeature = new Composer<BotContext>();

startFeature.chatType('private').command('start', async (ctx) => {
  await upsertUser(ctx.sql, ctx.from);
  const keyboard = new InlineKeyboard().text('⭐ My points', 'menu:points').text('🔴 Live', 'menu:live').row().text('❓ Help', 'menu:help');
  await ctx.reply(`Welcome, ${ctx.from.first_name}! I am your growth bot.`, { reply_markup: keyboard });
});
