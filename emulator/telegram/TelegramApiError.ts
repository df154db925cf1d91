import type { ResponseParameters } from 'grammy/types';

/** The JSON body Telegram answers a failed method call with. */
export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/**
 * An error answer of the Bot API, as data: thrown by method handlers and by error injection,
 * and turned into Telegram's exact response shape by {@link TelegramApiError.toBody}.
 *
 * The HTTP status of the response equals `error_code`, as it does at api.telegram.org.
 */
export class TelegramApiError extends Error {
  readonly error_code: number;
  readonly description: string;
  readonly parameters: ResponseParameters | undefined;

  constructor(error_code: number, description: string, parameters?: ResponseParameters) {
    super(`${error_code}: ${description}`);
    this.name = 'TelegramApiError';
    this.error_code = error_code;
    this.description = description;
    this.parameters = parameters;
  }

  /** The response body, byte-for-byte what Telegram sends (`parameters` only when present). */
  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { ok: false, error_code: this.error_code, description: this.description };
    if (this.parameters !== undefined) body.parameters = this.parameters;
    return body;
  }
}
