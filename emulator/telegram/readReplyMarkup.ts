import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { ApiParams } from './ApiParams.js';
import { badRequest } from './apiErrors.js';

/** Any of the four reply_markup kinds, as sent. */
export type ReplyMarkup = Record<string, unknown>;

// Actions a button may carry; an inline button needs exactly one of them.
const INLINE_ACTIONS = ['url', 'callback_data', 'web_app', 'login_url', 'switch_inline_query',
  'switch_inline_query_current_chat', 'switch_inline_query_chosen_chat', 'copy_text', 'callback_game', 'pay'];

// TDLib keeps at most 12 buttons in a row and 300 in a keyboard, cutting the rest silently (ReplyMarkup.cpp:789-805).
const MAX_ROW_BUTTONS = 12;
const MAX_BUTTONS = 300;

/**
 * Reads and validates `reply_markup` as the server does: malformed JSON, inline buttons
 * without an action, callback_data over Telegram's 64-byte limit, URL buttons whose host is
 * no web host. Numbers are taken as strings (JsonBuilder's lax strings); buttons with empty
 * text are skipped and rows and keyboards cut to Telegram's sizes. Returns the markup as stored.
 */
export function readReplyMarkup(params: ApiParams): ReplyMarkup | undefined {
  const markup = params.json<ReplyMarkup>('reply_markup', badRequest("can't parse reply keyboard markup JSON object"));
  if (markup === undefined) return undefined;
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) {
      throw badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    }
    let total = 0;
    const kept: InlineKeyboardButton[][] = [];
    for (const row of rows as unknown[][]) {
      const buttons: InlineKeyboardButton[] = [];
      for (const raw of row) {
        const button = readInlineButton(raw);
        if (button === undefined || buttons.length >= MAX_ROW_BUTTONS || total >= MAX_BUTTONS) continue;
        buttons.push(button);
        total++;
      }
      if (buttons.length > 0) kept.push(buttons);
    }
    return { ...markup, inline_keyboard: kept };
  }
  return markup;
}

function readInlineButton(raw: unknown): InlineKeyboardButton | undefined {
  if (typeof raw !== 'object' || raw === null) {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  const button = { ...(raw as Record<string, unknown>) };
  for (const field of ['text', 'callback_data', 'url']) {
    const value = button[field];
    if (typeof value === 'number' || typeof value === 'boolean') button[field] = String(value);
  }
  if (typeof button.text !== 'string') {
    throw badRequest("can't parse inline keyboard button: Field \"text\" must be of type String");
  }
  // An empty callback_data is no action at all, as the server reads it (Client.cpp:9598-9602).
  if (button.callback_data === '') delete button.callback_data;
  const actions = INLINE_ACTIONS.filter((action) => action in button);
  if (actions.length === 0) {
    throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
  }
  if (typeof button.callback_data === 'string' && Buffer.byteLength(button.callback_data, 'utf8') > 64) {
    throw badRequest('BUTTON_DATA_INVALID');
  }
  if (typeof button.url === 'string' && !isHttpUrl(button.url)) throw badRequest('inline keyboard button Wrong HTTP URL');
  // TDLib skips buttons without text rather than refusing the keyboard.
  if (button.text.trim() === '') return undefined;
  return button as unknown as InlineKeyboardButton;
}

/** A URL a button may open: http(s), tg:// or scheme-less, with a host that has a dot (LinkManager.cpp:1986). */
function isHttpUrl(value: string): boolean {
  const url = value.trim();
  if (url === '' || /\s/.test(url)) return false;
  if (/^(tg|ton):\/\//i.test(url)) return true;
  try {
    const parsed = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.includes('.');
  } catch {
    return false;
  }
}

/** The inline keyboard of a markup, which is the only kind a Message object carries. */
export function inlineKeyboardOf(markup: ReplyMarkup | undefined): InlineKeyboardMarkup | undefined {
  return markup !== undefined && 'inline_keyboard' in markup ? (markup as unknown as InlineKeyboardMarkup) : undefined;
}
