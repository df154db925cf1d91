import type { BotContext } from '../botContext.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { hitRateLimit } from './hitRateLimit.js';
import { namedRateLimits } from './rateLimits.js';

/**
 * Counts one `action` of the update's user against its named limit (`namedRateLimits`, e.g.
 * `image_upload` for each photo received) and, over the limit, tells them when to try again:
 * once per limited period in the chat, or as the button's toast. Returns whether to go on.
 * Counted in the update's transaction, so a retried update counts once.
 */
export async function withinRateLimit(ctx: BotContext, action: keyof typeof namedRateLimits): Promise<boolean> {
  if (!ctx.from) return true;
  const verdict = await hitRateLimit(ctx.sql, ctx.from.id, action, namedRateLimits[action]);
  if (verdict.allowed) return true;
  ctx.log.info({ user_id: ctx.from.id, limit: action, retry_at: verdict.retryAt, told: verdict.tell }, 'rate limited');
  const text = ctx.t('rate_limited_action', { seconds: ctx.t('seconds', { count: Math.max(1, Math.ceil(verdict.retryInMs / 1000)) }) });
  if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: htmlToText(text) });
  else if (verdict.tell) await ctx.reply(text, { parse_mode: 'HTML' });
  return false;
}
