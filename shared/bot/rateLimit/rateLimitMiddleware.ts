import type { MiddlewareFn } from 'grammy';
import type { BotContext } from '../botContext.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { hitRateLimit } from './hitRateLimit.js';

// What a person sends. Service messages (a successful payment above all) are never counted
// or dropped: losing one would lose what it records.
const SENT_BY_A_PERSON = ['text', 'photo', 'video', 'document', 'sticker', 'voice', 'audio', 'animation', 'video_note', 'location', 'contact'] as const;

/**
 * Applies the per-user command limit to what a user sends the bot: a message in a private chat
 * (plain text gets a reply too, so it costs the same), a command in a group, a button press.
 * Over the limit, the user is told once when to try again and the rest is dropped.
 *
 * A limited button press is still answered: Telegram clients show a spinner on the button
 * until `answerCallbackQuery`. The answer carries the wait as a toast each time, which is not
 * a chat message and so does not count as telling the user again.
 */
export const rateLimitMiddleware: MiddlewareFn<BotContext> = async (ctx, next) => {
  const message = ctx.message;
  const isCommand = message?.entities?.[0]?.type === 'bot_command' && message.entities[0].offset === 0;
  const isPersonal = message !== undefined && SENT_BY_A_PERSON.some((kind) => kind in message);
  const counted = ctx.callbackQuery !== undefined || (isPersonal && (ctx.chat?.type === 'private' || isCommand));
  if (!counted || !ctx.from) return next();

  const rule = ctx.settings.rateLimit;
  const verdict = await hitRateLimit(ctx.sql, ctx.from.id, rule);
  if (verdict.allowed) return next();

  ctx.log.info({ user_id: ctx.from.id, retry_at: verdict.retryAt, told: verdict.tell }, 'rate limited');
  const text = ctx.t('rate_limited', {
    count: 0,
    commands: ctx.t('commands', { count: rule.commands }),
    window: ctx.t('seconds', { count: Math.round(rule.windowMs / 1000) }),
    seconds: ctx.t('seconds', { count: Math.max(1, Math.ceil(verdict.retryInMs / 1000)) }),
  });
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: htmlToText(text) });
  } else if (verdict.tell) {
    await ctx.reply(text, { parse_mode: 'HTML' });
  }
};
