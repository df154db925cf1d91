import { Api, type Bot } from 'grammy';
import type { BotContext } from '../shared/bot/botContext.js';
import { type BotSettings, defaultBotSettings } from '../shared/bot/botSettings.js';
import type { JobHandler } from '../shared/queue/jobHandler.js';
import { broadcastProgressHandler } from '../shared/modules/broadcasts/broadcastProgressHandler.js';
import { broadcastSendHandler } from '../shared/modules/broadcasts/broadcastSendHandler.js';
import { telegramUpdateHandler } from '../shared/bot/telegramUpdateHandler.js';

/** What the handlers need. */
export interface HandlerDeps {
  bot: Bot<BotContext>;
  /** Bot API base URL, for the broadcast sender's own client. Default `https://api.telegram.org`. */
  apiRoot?: string;
  /** Default {@link defaultBotSettings}. */
  settings?: BotSettings;
}

/** Every job type this worker runs, registered in one place. */
export function createHandlers(deps: HandlerDeps): JobHandler<never>[] {
  const settings = deps.settings ?? defaultBotSettings;
  // Broadcast sends get a client without the automatic retries: a 429 must slow every sender
  // (not just this call), and a resend after an ambiguous failure could deliver twice.
  const rawApi = new Api(deps.bot.token, { apiRoot: deps.apiRoot ?? 'https://api.telegram.org' });
  return [
    telegramUpdateHandler(deps.bot),
    broadcastSendHandler({ api: rawApi, notifyApi: deps.bot.api, settings }),
    broadcastProgressHandler({ api: deps.bot.api, settings }),
  ] as JobHandler<never>[];
}
