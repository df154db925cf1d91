import { Api, type Bot } from 'grammy';
import type { BotContext } from '../shared/bot/botContext.js';
import type { BotModule } from '../shared/bot/BotModule.js';
import { type BotSettings, defaultBotSettings } from '../shared/bot/botSettings.js';
import { telegramUpdateHandler } from '../shared/bot/telegramUpdateHandler.js';
import type { JobHandler } from '../shared/queue/jobHandler.js';
import { countTelegramSends } from '../shared/metrics/countTelegramSends.js';
import type { MetricTally } from '../shared/metrics/MetricTally.js';
import { periodicTaskHandler } from './periodicTaskJob.js';
import type { PeriodicTask } from './periodicTasks.js';

/** What the handlers need. */
export interface HandlerDeps {
  bot: Bot<BotContext>;
  /** Bot API base URL, for the modules' client without retries. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Default {@link defaultBotSettings}. */
  settings?: BotSettings;
  /** The product areas whose jobs this worker runs. */
  modules: readonly BotModule[];
  /** The tasks `periodic_task` jobs name (worker/periodicTasks.ts). */
  periodicTasks: readonly PeriodicTask[];
  /** Where the raw client's sends are counted (the bot's client counts its own). Default not counted. */
  metrics?: MetricTally;
}

/** Every job type this worker runs: Telegram updates, then each module's, each type once. */
export function createHandlers(deps: HandlerDeps): JobHandler[] {
  const settings = deps.settings ?? defaultBotSettings;
  const rawApi = new Api(deps.bot.token, { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' });
  if (deps.metrics) rawApi.config.use(countTelegramSends(deps.metrics));
  const handlers = [telegramUpdateHandler(deps.bot), periodicTaskHandler(deps.periodicTasks), ...deps.modules.flatMap((m) => m.jobs?.({ api: deps.bot.api, rawApi, settings }) ?? [])];
  const seen = new Set<string>();
  for (const h of handlers) {
    if (seen.has(h.type)) throw new Error(`job type '${h.type}' has two handlers`);
    seen.add(h.type);
  }
  return handlers;
}
