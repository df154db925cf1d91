import type { Message } from 'grammy/types';

/**
 * The parameters the bot sent or last edited each message with, for what a Message object
 * does not show: parse_mode, reply keyboards (Telegram omits non-inline markup from the
 * returned Message), disable_notification, invoice payload and prices.
 */
export class SentMessageOptions {
  readonly #byMessage = new Map<string, Record<string, unknown>>();

  set(message: Pick<Message, 'chat' | 'message_id'>, params: Record<string, unknown>): void {
    this.#byMessage.set(key(message), { ...(this.#byMessage.get(key(message)) ?? {}), ...params });
  }

  get(message: Pick<Message, 'chat' | 'message_id'>): Record<string, unknown> | undefined {
    return this.#byMessage.get(key(message));
  }
}

function key(message: Pick<Message, 'chat' | 'message_id'>): string {
  return `${message.chat.id}:${message.message_id}`;
}
