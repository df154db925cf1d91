import type { Bot } from 'grammy';
import type { BotContext } from '../shared/bot/botContext.js';
import type { JobHandler } from './jobHandler.js';
import { telegramUpdateHandler } from './jobs/telegramUpdate.js';

/** Every job type this worker runs, registered in one place. */
export function createHandlers(deps: { bot: Bot<BotContext> }): JobHandler<never>[] {
  return [telegramUpdateHandler(deps.bot)] as JobHandler<never>[];
}
