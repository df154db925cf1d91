import type { MiddlewareFn } from 'grammy';
import { asksTheBot } from '../../bot/asksTheBot.js';
import type { BotContext } from '../../bot/botContext.js';
import { htmlToText } from '../../i18n/htmlToText.js';

/**
 * A banned user asks the bot for nothing more: their first message or button press after the
 * ban gets one notice, and the rest are dropped before any feature sees them.
 *
 * What counts as asking: see asksTheBot.ts. A pre-checkout query is refused with the notice as
 * its `error_message` (Telegram waits for an answer, and a banned user may not buy). Payment
 * service messages and changes of the world (members, join requests) go on: other features
 * must keep in step with them whoever caused them.
 *
 * The notice goes to the user's private chat only: in a group the bot stays quiet, and the
 * notice is left for when they write to it. `ban_notified_at` is set in the update's
 * transaction, so a retried update tells again only if the first attempt did not commit.
 */
export const bannedMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const userId = ctx.from?.id;
  // The ban was read with the user's row (shared/bot/registeredUser.ts), which also records the
  // day of activity.
  if (userId === undefined || !ctx.registered?.banned || !asksTheBot(ctx)) return next();

  ctx.log.info({ user_id: userId }, 'banned user: update ignored');
  if (ctx.preCheckoutQuery) return void (await ctx.answerPreCheckoutQuery(false, { error_message: htmlToText(ctx.t('banned_notice')) }));
  const inPrivate = ctx.chat?.type === 'private' || ctx.callbackQuery?.message?.chat.type === 'private';
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  if (!inPrivate || ctx.registered.banNotified) return;
  await ctx.sql`update users set ban_notified_at = now() where id = ${userId}`;
  await ctx.api.sendMessage(userId, ctx.t('banned_notice'), { parse_mode: 'HTML' });
};
