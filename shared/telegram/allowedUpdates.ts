/**
 * The update types the bot asks Telegram for (setWebhook / getUpdates). `chat_member` is not
 * sent unless listed; everything else here is what the features handle.
 */
export const ALLOWED_UPDATES = [
  'message',
  'edited_message',
  'callback_query',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'pre_checkout_query',
] as const;
