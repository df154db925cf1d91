import type { Update } from 'grammy/types';

/**
 * The delivery queue an update joins, as the Bot API server assigns them (its
 * `webhook_queue_id`): updates of one queue are delivered one at a time in update_id order;
 * different queues proceed independently, even within one chat. So a button press can reach
 * the webhook while the same chat's earlier message is still being retried.
 *
 * - messages, edits and channel posts: per chat (Client.cpp:17959, `chat_id`)
 * - callback queries: per user (17158, `user_id + (3 << 33)`)
 * - pre-checkout and shipping queries: per user (17236, 17242, `+ (4 << 33)`)
 * - my_chat_member: per chat (17279, `+ (5 << 33)`)
 * - chat_member and chat_join_request: per user (17279, 17293, `+ (6 << 33)`)
 * - anything else: a queue of its own
 */
export function updateChatKey(update: Update): string {
  const message = update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post;
  if (message !== undefined) return `chat:${message.chat.id}`;
  if (update.callback_query !== undefined) return `callback:${update.callback_query.from.id}`;
  const payment = update.pre_checkout_query ?? update.shipping_query;
  if (payment !== undefined) return `payment:${payment.from.id}`;
  if (update.my_chat_member !== undefined) return `my_chat_member:${update.my_chat_member.chat.id}`;
  if (update.chat_member !== undefined) return `member:${update.chat_member.new_chat_member.user.id}`;
  if (update.chat_join_request !== undefined) return `member:${update.chat_join_request.from.id}`;
  if (update.message_reaction !== undefined) return `chat:${update.message_reaction.chat.id}`;
  return `update:${update.update_id}`;
}

const DAY_MS = 86_400_000;
/** Callback, pre-checkout and shipping queries live 150 s (Client.cpp:17158, 17236, 17242). */
export const QUERY_UPDATE_LIFETIME_MS = 150_000;

/**
 * When the server gives up delivering an update (its `expires_at`): 150 s after a query was
 * made; a day after a message's date (17053, `message_date + 86400`) and a member change's or
 * join request's date (17272, 17290); a day after queuing for anything else.
 */
export function updateExpiresAt(update: Update, queuedAtMs: number): number {
  if (update.callback_query !== undefined || update.pre_checkout_query !== undefined || update.shipping_query !== undefined) {
    return queuedAtMs + QUERY_UPDATE_LIFETIME_MS;
  }
  const message = update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post;
  const date = message?.edit_date ?? message?.date ?? update.my_chat_member?.date ?? update.chat_member?.date ??
    update.chat_join_request?.date;
  return date === undefined ? queuedAtMs + DAY_MS : date * 1000 + DAY_MS;
}

/** The update's type: its one field besides `update_id` (`message`, `callback_query`, ...). */
export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}
