import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from './botContext.js';

/**
 * Shows a screen of a menu (a settings page): in place of the message whose button was
 * pressed, so a menu stays one message; as a new message when the update is not a press, or
 * when Telegram will not edit that message (too old, deleted, not text: 400s that editing
 * again would not fix). Pressing a button whose screen is already shown changes nothing:
 * Telegram's "message is not modified" is that, not an error.
 */
export async function showScreen(ctx: BotContext, text: string, keyboard: InlineKeyboard): Promise<void> {
  if (ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
      return;
    } catch (err) {
      if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
      if (err.description.includes('message is not modified')) return;
    }
  }
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}
