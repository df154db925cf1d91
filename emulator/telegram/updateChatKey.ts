import type { Update } from 'grammy/types';

/**
 * The ordering key of an update: updates with the same key are delivered one at a time, in
 * update_id order. Chat-bound updates use the chat; user-bound queries (pre-checkout, inline)
 * the user, whose private chat id is the same number; anything else is unordered.
 */
export function updateChatKey(update: Update): string {
  const chatId =
    update.message?.chat.id ?? update.edited_message?.chat.id ?? update.channel_post?.chat.id ??
    update.edited_channel_post?.chat.id ?? update.callback_query?.message?.chat.id ??
    update.callback_query?.from.id ?? update.my_chat_member?.chat.id ?? update.chat_member?.chat.id ??
    update.chat_join_request?.chat.id ?? update.pre_checkout_query?.from.id ?? update.shipping_query?.from.id ??
    update.inline_query?.from.id ?? update.chosen_inline_result?.from.id ?? update.message_reaction?.chat.id;
  return chatId === undefined ? `update:${update.update_id}` : `chat:${chatId}`;
}

/** The update's type: its one field besides `update_id` (`message`, `callback_query`, ...). */
export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? 'unknown';
}
