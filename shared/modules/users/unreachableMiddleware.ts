import { GrammyError, type MiddlewareFn } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { setUserReachable } from './setUserReachable.js';

/**
 * When a call made for this update finds that a user blocked the bot (403 "bot was blocked by
 * the user", or "user is deactivated"), marks them unreachable there and then, so user
 * broadcasts skip them without waiting for one to find out. The error goes on: the update is
 * dropped (createBot.ts commits the mark with what the update did).
 *
 * A private chat's id is its user's id; other chats (groups) are the groups module's concern.
 */
export const unreachableMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  try {
    await next();
  } catch (err) {
    const chatId = err instanceof GrammyError && err.error_code === 403 && /blocked by the user|user is deactivated/.test(err.description)
      ? err.payload.chat_id
      : undefined;
    if (typeof chatId === 'number' && chatId > 0) {
      await setUserReachable(ctx.sql, chatId, false);
      ctx.log.info({ user_id: chatId }, 'user blocked the bot; marked unreachable');
    }
    throw err;
  }
};
