import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../bot/botContext.js';
import { createTranslator } from './createTranslator.js';
import { pickLocale } from './pickLocale.js';

/**
 * Sets `ctx.locale` and `ctx.t` for the user behind the update (English when there is none):
 * the language they chose, else Telegram's. After the registered-user middleware.
 */
export const i18nMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  ctx.locale = pickLocale(ctx.registered?.locale, ctx.from?.language_code);
  ctx.t = createTranslator(ctx.locale);
  await next();
};
