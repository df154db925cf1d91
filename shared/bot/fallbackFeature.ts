import { Composer } from 'grammy';
import type { BotContext } from './botContext.js';
import { isCommandToThisBot } from './rateLimit/isCommandToThisBot.js';

/**
 * Last in the chain: anything no feature handled. In a private chat the user gets a hint
 * rather than silence; in groups the bot stays quiet, as users expect of bots there.
 */
export const fallbackFeature = new Composer<BotContext>();

fallbackFeature.chatType('private').on('message', async (ctx) => {
  // Quoting the message tells the user which of several messages the hint is about.
  await ctx.reply(ctx.t(isCommandToThisBot(ctx) ? 'unknown_command' : 'unknown_text'), {
    parse_mode: 'HTML',
    reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true },
  });
});

// A button this bot no longer knows (an old menu): stop the client's spinner, nothing more.
fallbackFeature.on('callback_query:data', async (ctx) => {
  await ctx.answerCallbackQuery();
});
