/**
 * A realistic Telegram update: `/start` in a private chat, as Telegram sends it (about 330
 * bytes of JSON). `userId` picks the chat, so updates spread over chats as real traffic does.
 */
export function startCommandUpdate(updateId: number, userId: number, text = '/start') {
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      from: { id: userId, is_bot: false, first_name: `User ${userId}`, username: `user_${userId}`, language_code: 'en' },
      chat: { id: userId, first_name: `User ${userId}`, username: `user_${userId}`, type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
      entities: text.startsWith('/') ? [{ offset: 0, length: text.split(' ')[0]!.length, type: 'bot_command' }] : undefined,
    },
  };
}
