import { Composer } from 'grammy';
import type { BotContext } from '../botContext.js';

/**
 * Last in the chain: anything no feature handled. In a private chat the user gets a hint
 * rather than silence; in groups the bot stays quiet, as users expect of bots there.
 */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.chatType('private').on('message', async (ctx) => {
  // Quoting the message tells the user which of several messages the hint is about.
  await ctx.reply('I did not understand that. Send /start to see the menu.', {
    reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
  });
});

fallbackFeature.on('callback_query:data', async (ctx) => {
  await ctx.answerCallbackQuery();
});
