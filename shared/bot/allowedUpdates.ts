import type { BotModule, UpdateType } from './BotModule.js';

/** What the core handles for every bot: messages (commands, answers) and button presses. */
const CORE_UPDATES: readonly UpdateType[] = ['message', 'callback_query'];

/**
 * The update types to ask Telegram for (setWebhook, getUpdates): the core's and those the
 * modules the bot runs handle, nothing else. Telegram never sends `chat_member` unless it is
 * listed, and an update type nobody handles would only cost a job each.
 */
export function allowedUpdates(modules: readonly BotModule[]): UpdateType[] {
  return [...new Set([...CORE_UPDATES, ...modules.flatMap((m) => m.updates ?? [])])];
}
