import { GrammyError, HttpError } from 'grammy';

/** Why a group or user cannot get broadcasts any more; stored as `failure_reason`. */
export type GoneReason = 'bot_kicked' | 'not_member' | 'chat_not_found' | 'chat_deleted';

/** What a failed broadcast send means for the delivery. */
export type SendFailure =
  /** 429: wait `retryAfter` seconds (every sender), then send again. Nothing was delivered. */
  | { kind: 'rate_limited'; retryAfter: number }
  /** The group became a supergroup: move it to the new id and send there. */
  | { kind: 'migrated'; newChatId: number }
  /** The bot can no longer post in the group: deactivate it. */
  | { kind: 'group_gone'; reason: GoneReason }
  /** The user blocked the bot or deleted their account: mark them unreachable. */
  | { kind: 'user_gone'; reason: 'blocked' | 'user_deactivated' }
  /** Telegram answered with an error: nothing was delivered; retrying may help. */
  | { kind: 'transient' }
  /** The request may or may not have reached Telegram: never resend. */
  | { kind: 'ambiguous' }
  /** Telegram refused this message for good. */
  | { kind: 'rejected'; description: string };

// Telegram's wordings (core.telegram.org/api/errors and what bots see in practice).
const GONE: Array<[RegExp, GoneReason]> = [
  [/bot was kicked/, 'bot_kicked'],
  [/bot is not a member/, 'not_member'],
  [/chat not found/, 'chat_not_found'],
  [/group chat was deleted/, 'chat_deleted'],
];

// Network errors raised before a single byte of the request left this machine. Anything else
// (a reset, a timeout) may have happened after Telegram got the request and sent the message.
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * Classifies a failed broadcast send. A 5xx is an answer (Telegram did not deliver) and may
 * be retried; a network error is retried only when the request cannot have reached Telegram,
 * since Telegram has no idempotency key and a second copy cannot be taken back.
 */
export function classifySendError(err: unknown): SendFailure {
  if (err instanceof HttpError) return NEVER_SENT.has(errorCode(err.error) ?? '') ? { kind: 'transient' } : { kind: 'ambiguous' };
  if (!(err instanceof GrammyError)) return { kind: 'ambiguous' };
  const retryAfter = err.parameters.retry_after;
  if (err.error_code === 429) return { kind: 'rate_limited', retryAfter: retryAfter ?? 1 };
  if (err.parameters.migrate_to_chat_id !== undefined) return { kind: 'migrated', newChatId: err.parameters.migrate_to_chat_id };
  if (err.error_code >= 500) return { kind: 'transient' };
  if (/bot was blocked by the user/.test(err.description)) return { kind: 'user_gone', reason: 'blocked' };
  if (/user is deactivated/.test(err.description)) return { kind: 'user_gone', reason: 'user_deactivated' };
  const gone = GONE.find(([pattern]) => pattern.test(err.description));
  if (gone) return { kind: 'group_gone', reason: gone[1] };
  return { kind: 'rejected', description: err.description };
}
