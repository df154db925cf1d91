import type { Update } from 'grammy/types';
import type { DeliveryOutcome } from './UpdateDispatcher.js';

/** An update before the emulator numbers it. */
export type UpdateBody = Omit<Update, 'update_id'>;

/**
 * What an emulated user's (or group's) action produced: the update Telegram sends the bot
 * for it, and when the bot got it.
 */
export interface UserAction {
  /** The update as delivered. `update_id` is 0 when {@link queued} is false. */
  update: Update;
  /**
   * False when Telegram would not tell the bot at all: privacy mode hides the group message,
   * the bot is not in the chat, or `allowed_updates` excludes the type.
   */
  queued: boolean;
  /**
   * Settles once the bot has the update: its webhook answered 2xx, or a getUpdates call
   * confirmed it with a higher `offset` (grammY's polling confirms after handling a batch).
   * Resolves at once with 'dropped' when not queued. Never rejects.
   */
  delivered: Promise<DeliveryOutcome>;
}
