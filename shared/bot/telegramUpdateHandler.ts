import { BotError, type Bot, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from './botContext.js';
import { telegramUpdateJob } from './telegramUpdateJob.js';
import { jobHandler, PermanentJobError } from '../queue/jobHandler.js';

/**
 * Runs one Telegram update through the bot. What an error means for the job:
 *
 * - 403 (the user blocked the bot, the bot was removed from the chat): nobody can be answered;
 *   running the update again would fail the same way. Logged, and the job is done.
 * - other 4xx (a request Telegram rejects): retrying sends the same request. The job fails at
 *   once and stays for inspection.
 * - 429 beyond retryApiCalls' patience, 5xx, network errors, database errors: transient. The job
 *   is retried with backoff.
 */
export function telegramUpdateHandler(bot: Bot<BotContext>) {
  return jobHandler(telegramUpdateJob, async (update, ctx) => {
    try {
      await bot.handleUpdate(update as unknown as Update);
    } catch (thrown) {
      const err = thrown instanceof BotError ? thrown.error : thrown;
      if (err instanceof GrammyError && err.error_code === 403) {
        ctx.log.warn({ update_id: update.update_id, method: err.method, description: err.description }, 'chat unreachable; update dropped');
        return;
      }
      if (err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500 && err.error_code !== 429) {
        throw new PermanentJobError(`Telegram rejected ${err.method}: ${err.description}`, { cause: err });
      }
      throw err;
    }
  });
}
