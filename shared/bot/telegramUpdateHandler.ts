import { BotError, type Bot, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import type { BotContext } from './botContext.js';
import { classifyTelegramError } from './classifyTelegramError.js';
import { telegramUpdateJob } from './telegramUpdateJob.js';
import { updateShapeProblems } from './updateShape.js';
import { jobHandler, PermanentJobError } from '../queue/jobHandler.js';
import { attachUpdateMetrics } from '../metrics/updateMetrics.js';

/**
 * Runs one Telegram update through the bot. What an error means for the job is decided by
 * {@link classifyTelegramError}, by method and description:
 *
 * - undeliverable (the user blocked the bot, the bot was removed from the chat, the message a
 *   button edits is gone): nobody can be answered; running the update again would fail the
 *   same way. Logged, and the job is done (what the update did before commits, createBot.ts).
 * - rejected (a request Telegram refuses): retrying sends the same request. The job fails at
 *   once and stays for inspection.
 * - transient (429 beyond retryApiCalls' patience, 5xx, network errors, database errors): the
 *   job is retried with backoff, and the retry starts from a clean slate (createBot.ts).
 *
 * A button press that cannot be answered any more is not an error at all
 * (answerCallbacksBestEffort.ts).
 *
 * An update that lacks what the handlers rely on (a message without `from`, `text` that is not
 * a string: forged, since Telegram always sends them) is dropped with one warning, before any
 * handler can crash on it: running it again would crash the same way.
 */
export function telegramUpdateHandler(bot: Bot<BotContext>) {
  return jobHandler(telegramUpdateJob, async (update, ctx) => {
    const problems = updateShapeProblems(update);
    if (problems) {
      ctx.log.warn({ update_id: update.update_id, problems }, 'malformed update dropped');
      return;
    }
    if (ctx.metrics) attachUpdateMetrics(update, ctx.metrics);
    try {
      await bot.handleUpdate(update as unknown as Update);
    } catch (thrown) {
      const err = thrown instanceof BotError ? thrown.error : thrown;
      const kind = classifyTelegramError(err);
      if (err instanceof GrammyError && kind === 'undeliverable') {
        ctx.log.warn({ update_id: update.update_id, method: err.method, description: err.description }, 'chat unreachable; update dropped');
        return;
      }
      if (err instanceof GrammyError && kind === 'rejected') {
        throw new PermanentJobError(`Telegram rejected ${err.method}: ${err.description}`, { cause: err });
      }
      throw err;
    }
  });
}
