import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../bot/botContext.js';
import { createTranslator } from './createTranslator.js';
import { pickLocale } from './pickLocale.js';
import { readChosenLocale } from './readChosenLocale.js';

/** Sets `ctx.locale` and `ctx.t` for the user behind the update (English when there is none). */
export const i18nMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const chosen = ctx.from ? await readChosenLocale(ctx.sql, ctx.from.id) : null;
  ctx.locale = pickLocale(chosen, ctx.from?.language_code);
  ctx.t = createTranslator(ctx.locale);
  await next();
};
