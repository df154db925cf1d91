import { GrammyError, type InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';

/**
 * Edits the message a button was pressed on. A second press of the same button (a double tap
 * queued before the first edit arrived) may edit it to what it already says: Telegram answers
 * "message is not modified", which means the message is as wanted, not that the update failed.
 */
export async function editAdminMessage(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  try {
    await ctx.editMessageText(text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) });
  } catch (err) {
    if (err instanceof GrammyError && err.description.includes('message is not modified')) return;
    throw err;
  }
}
