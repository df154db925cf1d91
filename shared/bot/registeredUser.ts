import type { MiddlewareFn } from 'grammy';
import type { Queryable } from '../db/Queryable.js';
import { asksTheBot } from './asksTheBot.js';
import type { BotContext } from './botContext.js';

/** What the middleware and features before the handler need to know of the user behind an update. */
export interface RegisteredUser {
  /** The language they chose in /settings; `null` when they follow Telegram's. */
  locale: string | null;
  banned: boolean;
  /** Whether they were told of their ban. */
  banNotified: boolean;
  /** Whether today's (UTC) daily points were granted: then nothing needs to try again today. */
  hadPointsToday: boolean;
}

/**
 * Reads the user behind the update (`undefined` when they are not registered) in one round trip,
 * and records the day of their activity (`users.last_active_on`, for /admin_stats) when the update
 * asks the bot for something: written at most once a user a day. The select sees the row as it
 * was before the touch, which the columns it reads do not depend on.
 *
 * One read for the language, the ban and the daily points, instead of one each: every update
 * pays for these, and against a remote database each statement is a network round trip.
 */
export async function readRegisteredUser(sql: Queryable, userId: number, touch: boolean): Promise<RegisteredUser | undefined> {
  const [row] = await sql<RegisteredUser[]>`
    with touched as (
      update users set last_active_on = (now() at time zone 'UTC')::date
      where ${touch} and id = ${userId} and last_active_on is distinct from (now() at time zone 'UTC')::date
    )
    select locale, banned_at is not null as banned, ban_notified_at is not null as "banNotified",
      daily_points_on is not distinct from (now() at time zone 'UTC')::date as "hadPointsToday"
    from users where id = ${userId}`;
  return row;
}

/** Sets `ctx.registered` for the update's user (see {@link readRegisteredUser}). */
export const registeredUserMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  ctx.registered = ctx.from ? await readRegisteredUser(ctx.sql, ctx.from.id, asksTheBot(ctx)) : undefined;
  await next();
};
