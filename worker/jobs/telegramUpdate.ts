import type { Bot } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from '../../shared/bot/botContext.js';
import { telegramUpdateJob } from '../../shared/jobs/telegramUpdate.js';
import { jobHandler } from '../jobHandler.js';

/**
 * Runs one Telegram update through the bot. A thrown error (Telegram down past auto-retry, the
 * database gone) fails the job, and the queue retries it with backoff.
 */
export function telegramUpdateHandler(bot: Bot<BotContext>) {
  return jobHandler(telegramUpdateJob, async (update, ctx) => {
    ctx.log.debug({ update_id: update.update_id }, 'handling update');
    await bot.handleUpdate(update as unknown as Update);
  });
}
