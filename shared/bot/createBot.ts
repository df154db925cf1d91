import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Sql } from '../db/createSql.js';
import type { Logger } from '../logger.js';
import { type ApiRetryOptions, retryApiCalls } from '../telegram/retryApiCalls.js';
import { i18nMiddleware } from '../i18n/i18nMiddleware.js';
import type { BotContext } from './botContext.js';
import type { BotModule } from './BotModule.js';
import { type BotSettings, defaultBotSettings } from './botSettings.js';
import { createInputDispatcher } from './createInputDispatcher.js';
import { fallbackFeature } from './fallbackFeature.js';
import { helpFeature } from './helpFeature.js';
import { rateLimitMiddleware } from './rateLimit/rateLimitMiddleware.js';

/** What the bot needs. */
export interface BotDeps {
  token: string;
  /** Bot API base URL. Default `https://api.telegram.org`; the emulator's URL in tests. */
  apiRoot?: string;
  sql: Sql;
  log: Logger;
  /** Skips `getMe` at start-up when known. */
  botInfo?: UserFromGetMe;
  /** How Bot API calls are retried. Default {@link retryApiCalls}'s defaults. */
  apiRetry?: ApiRetryOptions;
  /** Points, costs and limits. Default {@link defaultBotSettings}. */
  settings?: BotSettings;
  /** The product areas this bot runs (`shared/modules/index.ts`). */
  modules: readonly BotModule[];
}

/**
 * Composes the bot: the core's middleware, then every module's middleware, /help, every
 * module's feature, the answers to questions the modules asked, and the fallback for what
 * nothing handled. Modules handle disjoint updates, so their order only orders menus.
 *
 * Outbound calls have a deadline (5 s a call, 60 s an upload) and retry on 429 (waiting
 * `retry_after`, up to a minute) and on 5xx, network errors and missed deadlines, three times
 * in all (shared/telegram/retryApiCalls.ts). Beyond that the call fails,
 * and so the job, whose own backoff takes over: a job must not sit on a worker slot for minutes.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' },
    botInfo: deps.botInfo,
  });
  bot.api.config.use(retryApiCalls(deps.apiRetry));
  const { modules } = deps;
  bot.use(async (ctx, next) => {
    ctx.log = deps.log.child({ update_id: ctx.update.update_id });
    ctx.sql = deps.sql;
    ctx.settings = deps.settings ?? defaultBotSettings;
    ctx.modules = modules;
    await next();
  });
  // Before the features, in this order: the user's language (the rate limit's notice needs
  // it), the rate limit (a dropped command costs nothing more), then the modules' own (the
  // daily points).
  bot.use(i18nMiddleware);
  bot.use(rateLimitMiddleware);
  for (const m of modules) if (m.middleware) bot.use(m.middleware);
  bot.use(helpFeature);
  for (const m of modules) if (m.feature) bot.use(m.feature);
  bot.use(createInputDispatcher(modules));
  bot.use(fallbackFeature);
  return bot;
}
