import { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Sql } from '../db/createSql.js';
import type { Logger } from '../logger.js';
import { type ApiRetryOptions, retryApiCalls } from '../telegram/retryApiCalls.js';
import { i18nMiddleware } from '../i18n/i18nMiddleware.js';
import { dailyPointsMiddleware } from '../modules/points/dailyPointsMiddleware.js';
import { rateLimitMiddleware } from './rateLimit/rateLimitMiddleware.js';
import type { BotContext } from './botContext.js';
import { type BotSettings, defaultBotSettings } from './botSettings.js';
import { activateFeature } from '../modules/groups/activateFeature.js';
import { broadcastFeature } from '../modules/broadcasts/broadcastFeature.js';
import { fallbackFeature } from './fallbackFeature.js';
import { goLiveFeature } from '../modules/liveList/goLiveFeature.js';
import { groupMembershipFeature } from '../modules/groups/groupMembershipFeature.js';
import { helpFeature } from './helpFeature.js';
import { initFeature } from '../modules/groups/initFeature.js';
import { instagramFeature } from '../modules/liveList/instagramFeature.js';
import { joinRequestsFeature } from '../modules/groups/joinRequestsFeature.js';
import { liveFeature } from '../modules/liveList/liveFeature.js';
import { pointsFeature } from '../modules/points/pointsFeature.js';
import { settingsFeature } from '../modules/settings/settingsFeature.js';
import { startFeature } from '../modules/users/startFeature.js';

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
}

/**
 * Composes the bot. Features are registered here, in this visible order; the first that
 * handles an update ends it, and the fallback catches the rest.
 *
 * Outbound calls retry on 429 (waiting `retry_after`, up to a minute) and on 5xx and network
 * errors, three times in all (shared/telegram/retryApiCalls.ts). Beyond that the call fails,
 * and so the job, whose own backoff takes over: a job must not sit on a worker slot for minutes.
 */
export function createBot(deps: BotDeps): Bot<BotContext> {
  const bot = new Bot<BotContext>(deps.token, {
    client: { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' },
    botInfo: deps.botInfo,
  });
  bot.api.config.use(retryApiCalls(deps.apiRetry));
  bot.use(async (ctx, next) => {
    ctx.log = deps.log.child({ update_id: ctx.update.update_id });
    ctx.sql = deps.sql;
    ctx.settings = deps.settings ?? defaultBotSettings;
    await next();
  });
  // Before the features, in this order: the user's language (the rate limit's notice needs
  // it), the rate limit (a dropped command costs nothing more), then the daily points.
  bot.use(i18nMiddleware);
  bot.use(rateLimitMiddleware);
  bot.use(dailyPointsMiddleware);
  bot.use(startFeature);
  bot.use(helpFeature);
  bot.use(pointsFeature);
  bot.use(goLiveFeature);
  bot.use(liveFeature);
  bot.use(settingsFeature);
  // Groups: the bot's membership, registration, activation, join requests.
  bot.use(groupMembershipFeature);
  bot.use(initFeature);
  bot.use(activateFeature);
  bot.use(joinRequestsFeature);
  // Before the Instagram feature: an operator's draft takes their next message as its content.
  bot.use(broadcastFeature);
  // After the command features: it takes plain text when it is waiting for a username.
  bot.use(instagramFeature);
  bot.use(fallbackFeature);
  return bot;
}
