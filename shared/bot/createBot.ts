import { autoRetry } from '@grammyjs/auto-retry';
import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Sql } from '../db/createSql.js';
import type { Logger } from '../logger.js';
import type { BotContext } from './botContext.js';
import { fallbackFeature } from './features/fallback.js';
import { startFeature } from './features/start.js';

/** What the bot needs. */
export interface BotDeps {
  token: string;
  /** Bot API base URL. Default `https://api.telegram.org`; the emulator's URL in tests. */
  apiRoot?: string;
  sql: Sql;
  log: Logger;
  /** Skips `getMe` at start-up when known. */
  botInfo?: UserFromGetMe;
}

/**
 * Composes the bot. Features are registered here, in this visible order; the first that
 * handles an update ends it, and the fallback catches the rest.
 *
 * Outbound calls retry on 429 (waiting `retry_after`, up to a minute) and on 5xx and network
 * errors, three times. A longer wait fails the call, and so the job, whose own backoff takes
 * over: a job must not sit on a worker slot for minutes.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' },
    botInfo: deps.botInfo,
  });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 60 }));
  bot.use(async (ctx, next) => {
    ctx.log = deps.log.child({ update_id: ctx.update.update_id });
    ctx.sql = deps.sql;
    await next();
  });
  bot.use(startFeature);
  bot.use(fallbackFeature);
  return bot;
}
