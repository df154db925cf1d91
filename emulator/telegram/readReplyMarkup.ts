import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { ApiParams } from './ApiParams.js';
import { badRequest } from './apiErrors.js';

/** Any of the four reply_markup kinds, as sent. */
export type ReplyMarkup = Record<string, unknown>;

// Actions a button may carry; an inline button needs exactly one of them.
const INLINE_ACTIONS = ['url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query',
  'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];

/**
 * Reads and validates `reply_markup` with the checks that catch real bot bugs: malformed JSON,
 * inline buttons without an action, callback_data over Telegram's 64-byte limit.
 */
export function readReplyMarkup(params: ApiParams): ReplyMarkup | undefined {
  const markup = params.json<ReplyMarkup>('reply_markup', badRequest("can't parse reply keyboard markup JSON object"));
  if (markup === undefined) return undefined;
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    for (const button of rows.flat() as InlineKeyboardButton[]) validateInlineButton(button);
  }
  return markup;
}

function validateInlineButton(button: InlineKeyboardButton): void {
  if (typeof button !== 'object' || button === null || typeof button.text !== 'string') {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  if (button.text === '') throw badRequest('BUTTON_TEXT_INVALID');
  const actions = INLINE_ACTIONS.filter((action) => action in button);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if ('callback_data' in button) {
    const bytes = Buffer.byteLength(button.callback_data, 'utf8');
    if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
  }
  // Telegram accepts scheme-less links ("t.me/x"), so only an empty or spaced URL is certainly invalid.
  if ('url' in button && (button.url.trim() === '' || /\s/.test(button.url))) throw badRequest('BUTTON_URL_INVALID');
}

/** The inline keyboard of a markup, which is the only kind a Message object carries. */
export function inlineKeyboardOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && 'inline_keyboard' in markup ? (markup as unknown as InlineKeyboardMarkup) : undefined;
}
