import { GrammyError, HttpError } from 'grammy';

/**
 * What a failed Bot API call means for the work that made it:
 *
 * - `undeliverable`: the chat cannot be written to or the message acted on is gone (the user
 *   blocked the bot or was deleted, the bot left the group or lost its right to write, the
 *   message a button edits no longer exists). Trying again fails the same way; there is nothing
 *   to inspect either.
 * - `rejected`: Telegram refused the request itself (bad markup, a text too long). Trying again
 *   sends the same request: fail for good and keep it for inspection.
 * - `transient`: 429 past the client's patience, 5xx, network errors, and anything that is not
 *   a Bot API answer (a database error): try again later.
 *
 * Decided by method and description, not the status alone: a 400 is both "chat not found"
 * (nobody to answer) and "can't parse entities" (our bug).
 */
export type TelegramErrorKind = 'undeliverable' | 'rejected' | 'transient';

// 400s that name a chat, member or message that is not there (Telegram's wording, which bots
// have to match on: the Bot API has no error codes beyond the HTTP status).
const GONE = [
  /chat not found/i,
  /user not found/i,
  /PEER_ID_INVALID/,
  /group chat was (deactivated|upgraded)/i,
  /not enough rights to send/i,
  /have no rights to send/i,
  /CHAT_WRITE_FORBIDDEN/,
  /CHAT_RESTRICTED/,
  /USER_IS_BLOCKED/,
];
// …and on the methods that act on an existing message: it was deleted, or is too old to edit.
const MESSAGE_GONE = [/message to (edit|delete|copy|forward) not found/i, /message can't be (edited|deleted)/i, /MESSAGE_ID_INVALID/];
const ACTS_ON_A_MESSAGE = /^(editMessage\w*|deleteMessages?|stopPoll|copyMessages?|forwardMessages?)$/;

/** Sorts a thrown error from a Bot API call; see {@link TelegramErrorKind}. */
export function classifyTelegramError(err: unknown): TelegramErrorKind {
  if (err instanceof HttpError || !(err instanceof GrammyError)) return 'transient';
  const code = err.error_code;
  if (code === 429 || code >= 500) return 'transient';
  if (code === 403) return 'undeliverable';
  if (GONE.some((re) => re.test(err.description))) return 'undeliverable';
  if (ACTS_ON_A_MESSAGE.test(err.method) && MESSAGE_GONE.some((re) => re.test(err.description))) return 'undeliverable';
  return code >= 400 && code < 500 ? 'rejected' : 'transient';
}
