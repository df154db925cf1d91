import type { Context } from 'grammy';
import { isCommandToThisBot } from './rateLimit/isCommandToThisBot.js';

/**
 * Whether the update is its user asking the bot for something: anything in their private chat,
 * a button press anywhere, an inline query, a command to this bot in a group, a pre-checkout
 * or shipping query. Not: payment service messages (money already taken must be recorded
 * whoever sent them), and what reports a change of the world (a group's members, the bot's own
 * membership, join requests, a group upgraded). What counts as a day of activity, and what a
 * banned user is refused.
 */
export function asksTheBot(ctx: Context): boolean {
  if (ctx.callbackQuery || ctx.inlineQuery || ctx.chosenInlineResult || ctx.preCheckoutQuery || ctx.shippingQuery) return true;
  const msg = ctx.message ?? ctx.editedMessage;
  if (!msg) return false;
  if (msg.successful_payment || msg.refunded_payment) return false;
  if (msg.chat.type === 'private') return true;
  return isCommandToThisBot(ctx);
}
