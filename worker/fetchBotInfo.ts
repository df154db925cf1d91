import { type Api, GrammyError } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';

/** Telegram refused the token (401 Unauthorized, or 404 for a token it cannot even parse). */
export class BotTokenRejectedError extends Error {
  readonly errorCode: number;
  constructor(cause: GrammyError) {
    super(`Telegram rejected TELEGRAM_BOT_TOKEN (${cause.error_code} ${cause.description})`, { cause });
    this.name = 'BotTokenRejectedError';
    this.errorCode = cause.error_code;
  }
}

/** Every `getMe` attempt failed for a reason other than the token. */
export class TelegramUnreachableError extends Error {
  readonly attempts: number;
  constructor(attempts: number, cause: unknown) {
    super(`Telegram did not answer getMe in ${attempts} attempts`, { cause });
    this.name = 'TelegramUnreachableError';
    this.attempts = attempts;
  }
}

/** Options for {@link fetchBotInfo}. */
export interface FetchBotInfoOptions {
  /** Attempts in all. Default 8 (about two minutes of waiting with the default delays). */
  attempts?: number;
  /** Delay after the first failure, doubled each time up to `maxDelayMs`. Default 1000 ms. */
  firstDelayMs?: number;
  /** Default 30000 ms. */
  maxDelayMs?: number;
  /** Told about each failed attempt before the wait, to log it and report it on /healthz. */
  onAttemptFailed?(failure: { attempt: number; attempts: number; retryInMs: number; err: unknown }): void;
}

/**
 * `getMe`, retried a bounded number of times. grammY's `bot.init()` retries a network error
 * without limit and logs nothing, so a worker started while Telegram is unreachable waited
 * silently for ever and Railway's health check failed with an empty log. A rejected token is
 * not retried: no number of attempts fixes it. Each call's deadline is `api`'s own
 * (`timeoutSeconds` of its client).
 */
export async function fetchBotInfo(api: Api, options: FetchBotInfoOptions = {}): Promise<UserFromGetMe> {
  const attempts = options.attempts ?? 8;
  const firstDelayMs = options.firstDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.getMe();
    } catch (err) {
      if (err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404)) throw new BotTokenRejectedError(err);
      if (attempt >= attempts) throw new TelegramUnreachableError(attempts, err);
      const retryInMs = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1));
      options.onAttemptFailed?.({ attempt, attempts, retryInMs, err });
      await new Promise((resolve) => setTimeout(resolve, retryInMs));
    }
  }
}
