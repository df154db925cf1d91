/** Bot API methods that put a message into a chat: what `telegram_send` counts. */
export const telegramSendMethods: ReadonlySet<string> = new Set([
  'sendMessage', 'sendPhoto', 'sendDocument', 'sendVideo', 'sendAnimation', 'sendAudio', 'sendVoice',
  'sendVideoNote', 'sendMediaGroup', 'sendSticker', 'sendLocation', 'sendContact', 'sendPoll', 'sendDice',
  'sendInvoice', 'copyMessage', 'copyMessages', 'forwardMessage', 'forwardMessages',
]);

/**
 * What counts as the bot's reply in a private chat, for the reply time: a message sent, one
 * edited in place (a menu's buttons redraw their message), or a button press answered (its
 * spinner stops; answerCallbackQuery names no chat).
 */
export const telegramReplyMethods: ReadonlySet<string> = new Set([
  ...telegramSendMethods,
  'editMessageText', 'editMessageCaption', 'editMessageMedia', 'editMessageReplyMarkup', 'answerCallbackQuery',
]);
