import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../botContext.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { hitRateLimit } from './hitRateLimit.js';
import { isCommandToThisBot } from './isCommandToThisBot.js';
import { namedRateLimits } from './rateLimits.js';

/**
 * Applies the per-user limits to what a user asks of the bot: commands (in any chat, counted as
 * grammY matches them) against the command limit, button presses against their own
 * (`namedRateLimits.buttons`). Plain messages, photos and files are not counted here: they are
 * answers to a question or content (an album is ten photos at once), and the features that take
 * uploads apply their own named limits (`withinRateLimit`). Service messages (a successful
 * payment above all) are never counted or dropped: losing one would lose what it records.
 *
 * Over the limit, the user is told once when to try again and the rest is dropped. A limited
 * button press is still answered: Telegram clients show a spinner on the button until
 * `answerCallbackQuery`. The answer carries the wait as a toast each time, which is not a chat
 * message and so does not count as telling the user again.
 */
export const rateLimitMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  if (!ctx.from) return next();
  if (ctx.callbackQuery) {
    const verdict = await hitRateLimit(ctx.sql, ctx.from.id, 'buttons', namedRateLimits.buttons);
    if (verdict.allowed) return next();
    ctx.log.info({ user_id: ctx.from.id, limit: 'buttons', retry_at: verdict.retryAt }, 'rate limited');
    const seconds = ctx.t('seconds', { count: Math.max(1, Math.ceil(verdict.retryInMs / 1000)) });
    return void (await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('rate_limited_action', { seconds })) }));
  }
  if (!isCommandToThisBot(ctx)) return next();

  const rule = ctx.settings.rateLimit;
  const verdict = await hitRateLimit(ctx.sql, ctx.from.id, 'commands', { requests: rule.commands, windowMs: rule.windowMs });
  if (verdict.allowed) return next();

  ctx.log.info({ user_id: ctx.from.id, limit: 'commands', retry_at: verdict.retryAt, told: verdict.tell }, 'rate limited');
  if (!verdict.tell) return;
  await ctx.reply(ctx.t('rate_limited', {
    count: 0,
    commands: ctx.t('commands', { count: rule.commands }),
    window: ctx.t('seconds', { count: Math.round(rule.windowMs / 1000) }),
    seconds: ctx.t('seconds', { count: Math.max(1, Math.ceil(verdict.retryInMs / 1000)) }),
  }), { parse_mode: 'HTML' });
};
