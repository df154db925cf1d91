import { TelegramApiError } from './TelegramApiError.js';

// Ready-made errors with Telegram's exact wording. Bots match on these strings (grammY users
// often test `description.includes('bot was blocked')`), so they must not be paraphrased.

/** 400 with the given text after "Bad Request: ". */
export function badRequest(reason: string): TelegramApiError {
  return new TelegramApiError(400, `Bad Request: ${reason}`);
}

/** 403 with the given text after "Forbidden: ". */
export function forbidden(reason: string): TelegramApiError {
  return new TelegramApiError(403, `Forbidden: ${reason}`);
}

/** 429 "Too Many Requests: retry after N" with `parameters.retry_after = N` (seconds). */
export function tooManyRequests(retryAfterSeconds: number): TelegramApiError {
  return new TelegramApiError(429, `Too Many Requests: retry after ${retryAfterSeconds}`, {
    retry_after: retryAfterSeconds,
  });
}

/** 403 "Forbidden: bot was kicked from the group chat". */
export function botKicked(): TelegramApiError {
  return forbidden('bot was kicked from the group chat');
}

/** 403 "Forbidden: bot was kicked from the supergroup chat" (supergroups and channels word it so). */
export function botKickedFromSupergroup(): TelegramApiError {
  return forbidden('bot was kicked from the supergroup chat');
}

/** 403 "Forbidden: bot was blocked by the user". */
export function botBlocked(): TelegramApiError {
  return forbidden('bot was blocked by the user');
}

/** 403 "Forbidden: user is deactivated": the user deleted their account (Client.cpp:123-124). */
export function userDeactivated(): TelegramApiError {
  return forbidden('user is deactivated');
}

/** 403 "Forbidden: the group chat was deleted" (Client.cpp:8158). */
export function groupChatDeleted(): TelegramApiError {
  return forbidden('the group chat was deleted');
}

/** 400 "Bad Request: chat not found". */
export function chatNotFound(): TelegramApiError {
  return badRequest('chat not found');
}

/**
 * 400 "Bad Request: group chat was upgraded to a supergroup chat" with
 * `parameters.migrate_to_chat_id`, answered for any call addressed to a migrated group.
 */
export function migrated(newChatId: number): TelegramApiError {
  return new TelegramApiError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
    migrate_to_chat_id: newChatId,
  });
}

/** 500 "Internal Server Error" (default) or 502 "Bad Gateway", the two outages bots do see. */
export function serverError(code: 500 | 502 = 500): TelegramApiError {
  return new TelegramApiError(code, code === 502 ? 'Bad Gateway' : 'Internal Server Error');
}

/** 401 "Unauthorized", the answer to a wrong bot token. */
export function unauthorized(): TelegramApiError {
  return new TelegramApiError(401, 'Unauthorized');
}

/** 404 "Not Found: method not found". */
export function methodNotFound(): TelegramApiError {
  return new TelegramApiError(404, 'Not Found: method not found');
}
