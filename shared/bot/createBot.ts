import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Sql } from '../db/createSql.js';
import type { Logger } from '../logger.js';
import { type ApiRetryOptions, retryApiCalls } from '../telegram/retryApiCalls.js';
import { i18nMiddleware } from '../i18n/i18nMiddleware.js';
import { registeredUserMiddleware } from './registeredUser.js';
import { countTelegramSends } from '../metrics/countTelegramSends.js';
import { JobMetrics } from '../metrics/JobMetrics.js';
import type { MetricTally } from '../metrics/MetricTally.js';
import { noteFirstReply } from '../metrics/noteFirstReply.js';
import { updateMetricsOf } from '../metrics/updateMetrics.js';
import { answerCallbacksBestEffort } from './answerCallbacksBestEffort.js';
import { classifyTelegramError } from './classifyTelegramError.js';
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
  /** Where the messages sent are counted (`telegram_send`, docs/METRICS.md): the worker's tally. Default not counted. */
  metrics?: MetricTally;
}

/**
 * Composes the bot: one database transaction per update, the core's middleware, then every module's middleware, /help, every
 * module's feature, the answers to questions the modules asked, and the fallback for what
 * nothing handled. Modules handle disjoint updates, so their order only orders menus.
 *
 * Outbound calls have a deadline (5 s a call, 60 s an upload) and retry on 429 (waiting
 * `retry_after`, up to a minute) and on 5xx, network errors and missed deadlines, three times
 * in all (shared/telegram/retryApiCalls.ts). Beyond that the call fails,
 * and so the job, whose own backoff takes over: a job must not sit on a worker slot for minutes.
 * Answering a button press never fails an update (answerCallbacksBestEffort.ts).
 *
 * **One transaction per update.** Everything the middleware and features read and write for
 * one update (the language, the rate-limit hit, the daily points, the registration, the
 * awaited-input row, enqueued jobs) goes through `ctx.sql`, one transaction that commits after
 * the handler returned, so after its replies were sent. Two reasons:
 *
 * - A retry behaves as the first attempt would have. When a reply fails and the job is retried,
 *   nothing of the failed attempt is left: a new user is still new (the welcome, not "welcome
 *   back", and the referrer is credited and told), the rate limit has not counted the attempt,
 *   today's points are granted once. The database never gets ahead of what the user was told.
 * - One commit per update instead of one per statement (each commit waits for a WAL flush):
 *   `/start` went from 5.75 commits per job to under 2 with the queue's share (BENCHMARKS.md).
 *
 * The price: the transaction, and the row locks it took, stay open while Telegram answers, and
 * the pool holds one connection per running update. Rows locked are the user's own (their
 * chat's updates run one at a time anyway), a referrer's row for the moment of a credit, and a
 * group's. A reply that arrived before a failed commit is sent again on the retry, as before.
 * Work that must be recorded before an irreversible call (never twice) does not run here: it
 * is a job of its own that commits its mark first (a broadcast's sends).
 *
 * When a call finds the chat undeliverable (403 "bot was blocked by the user", the bot left the
 * group), the update cannot be answered however often it runs: what it did so far commits, and
 * the error goes on to the job handler, which drops the update (telegramUpdateHandler.ts).
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' },
    botInfo: deps.botInfo,
  });
  bot.api.config.use(retryApiCalls(deps.apiRetry));
  bot.api.config.use(answerCallbacksBestEffort(deps.log));
  if (deps.metrics) bot.api.config.use(countTelegramSends(deps.metrics));
  const { modules } = deps;
  bot.use(async (ctx, next) => {
    ctx.log = deps.log.child({ update_id: ctx.update.update_id });
    ctx.settings = deps.settings ?? defaultBotSettings;
    ctx.modules = modules;
    // The job's metrics (written with its completion); the reply time is a private chat's.
    ctx.metrics = updateMetricsOf(ctx.update) ?? new JobMetrics();
    if (ctx.chat?.type === 'private') ctx.api.config.use(noteFirstReply(ctx.metrics, ctx.chat.id));
    let undeliverable: unknown;
    await deps.sql.begin(async (tx) => {
      ctx.sql = tx;
      try {
        await next();
      } catch (err) {
        if (classifyTelegramError(err) !== 'undeliverable') throw err;
        undeliverable = err;
      }
    });
    if (undeliverable !== undefined) throw undeliverable;
  });
  // Before the features, in this order: the user's row (one read), their language (every notice needs it), the
  // modules' guards (a banned user's update stops there, before the rate limit could answer
  // it), the rate limit (a dropped command costs nothing more), then the modules' own (the
  // daily points).
  bot.use(registeredUserMiddleware);
  bot.use(i18nMiddleware);
  for (const m of modules) if (m.guard) bot.use(m.guard);
  bot.use(rateLimitMiddleware);
  for (const m of modules) if (m.middleware) bot.use(m.middleware);
  bot.use(helpFeature);
  for (const m of modules) if (m.feature) bot.use(m.feature);
  bot.use(createInputDispatcher(modules));
  bot.use(fallbackFeature);
  return bot;
}
