import type { ApiErrorBody } from './TelegramApiError.js';

/** One Bot API call the bot made, as recorded in `emulator.calls`. */
export interface ApiCall {
  /** Method name as written in the URL (Telegram matches it case-insensitively). */
  method: string;
  /** Parameters after decoding JSON, form or multipart bodies; uploads appear as `attach://` strings. */
  params: Record<string, unknown>;
  /** ms timestamp when the call arrived. */
  at: number;
  /** Exactly what the emulator answered. */
  response: { ok: true; result: unknown } | ApiErrorBody;
  /** True when the call came as the body of a webhook response rather than an HTTP request. */
  viaWebhookReply?: boolean;
}
