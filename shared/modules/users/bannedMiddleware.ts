import type { Context, MiddlewareFn } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { isCommandToThisBot } from '../../bot/rateLimit/isCommandToThisBot.js';

/**
 * A banned user asks the bot for nothing more: their first message or button press after the
 * ban gets one notice, and the rest are dropped before any feature sees them.
 *
 * What counts as asking: anything in their private chat, a button press anywhere, an inline
 * query, a command to this bot in a group, and a pre-checkout query (refused with the notice as
 * its `error_message`: Telegram waits for an answer, and a banned user may not buy). What does
 * not: payment service messages (money already taken must still be recorded), and what reports
 * a change of the world (a group's members, the bot's own membership, join requests, a group
 * upgraded), which other features must keep in step whoever caused it.
 *
 * It also records the day of the user's activity (`users.last_active_on`, for /admin_stats).
 *
 * The notice goes to the user's private chat only: in a group the bot stays quiet, and the
 * notice is left for when they write to it. `ban_notified_at` is set in the update's
 * transaction, so a retried update tells again only if the first attempt did not commit.
 */
export const bannedMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const userId = ctx.from?.id;
  if (userId === undefined || !asksTheBot(ctx)) return next();
  // One round trip per update: the ban, and the day of activity /admin_stats counts (written
  // once a day; the select sees the row as it was, which does not matter for the ban columns).
  const [user] = await ctx.sql<{ banned: boolean; notified: boolean }[]>`
    with touched as (
      update users set last_active_on = (now() at time zone 'UTC')::date
      where id = ${userId} and last_active_on is distinct from (now() at time zone 'UTC')::date
    )
    select banned_at is not null as banned, ban_notified_at is not null as notified from users where id = ${userId}`;
  if (!user?.banned) return next();

  ctx.log.info({ user_id: userId }, 'banned user: update ignored');
  if (ctx.preCheckoutQuery) return void (await ctx.answerPreCheckoutQuery(false, { error_message: htmlToText(ctx.t('banned_notice')) }));
  const inPrivate = ctx.chat?.type === 'private' || ctx.callbackQuery?.message?.chat.type === 'private';
  if (ctx.callbackQuery) await ctx.answerCallbackQuery();
  if (!inPrivate || user.notified) return;
  await ctx.sql`update users set ban_notified_at = now() where id = ${userId}`;
  await ctx.api.sendMessage(userId, ctx.t('banned_notice'), { parse_mode: 'HTML' });
};

function asksTheBot(ctx: Context): boolean {
  if (ctx.callbackQuery || ctx.inlineQuery || ctx.chosenInlineResult || ctx.preCheckoutQuery || ctx.shippingQuery) return true;
  const msg = ctx.message ?? ctx.editedMessage;
  if (!msg) return false;
  if (msg.successful_payment || msg.refunded_payment) return false;
  if (msg.chat.type === 'private') return true;
  return isCommandToThisBot(ctx);
}
