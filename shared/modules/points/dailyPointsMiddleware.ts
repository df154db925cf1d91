import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { grantDailyPoints } from './grantDailyPoints.js';

/**
 * Grants the daily points at a registered user's first interaction of the day: a message in a
 * private chat or a button press. New users get theirs from /start, right after registering.
 * The user's row, read at the start of the update, says whether they are registered and already
 * had today's: then there is nothing to try (the grant itself is exactly-once either way).
 */
export const dailyPointsMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const interacted = ctx.callbackQuery !== undefined || (ctx.message !== undefined && ctx.chat?.type === 'private');
  if (interacted && ctx.from && ctx.registered && !ctx.registered.hadPointsToday) {
    const balance = await grantDailyPoints(ctx.sql, ctx.from.id, ctx.settings.dailyPoints);
    if (balance !== null) ctx.log.debug({ user_id: ctx.from.id, balance }, 'daily points granted');
  }
  await next();
};
