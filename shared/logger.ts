import pino from 'pino';

/**
 * A bot token as Telegram issues it (`123456:AA…`), wherever it appears. Network errors carry
 * the request URL, `…/bot<token>/sendMessage`, in their message, so a token can reach a log
 * inside any string of an error, not only under a key we could name in advance.
 */
const BOT_TOKEN = /\d{3,}:[A-Za-z0-9_-]{20,}/g;
/** A token in a Bot API URL, whatever its shape (the emulator's and tests' tokens are short). */
const TOKEN_IN_URL = /\/bot[^/\s'"]+/g;

/** Replaces every bot token in a string with `[redacted]`. */
export function redactTokens(text: string): string {
  return text.replace(TOKEN_IN_URL, '/bot[redacted]').replace(BOT_TOKEN, '[redacted]');
}

/**
 * Keys dropped from a logged error. grammY's `GrammyError.payload` is the request as sent:
 * the user's chat id and message text, and for `setWebhook` the webhook's `secret_token`. The
 * method and Telegram's description say what failed without them.
 */
const DROPPED_KEYS = new Set(['payload']);

/** A serialised error copied with every string redacted, nested errors and causes included. */
function scrub(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactTokens(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8 || seen.has(value)) return '[nested]';
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (!DROPPED_KEYS.has(key)) out[key] = scrub(v, depth + 1, seen);
  }
  return out;
}

/**
 * pino's error serializer (message, stack, `cause` chain and enumerable properties such as
 * grammY's `HttpError.error`), then every string in the result redacted. Redacting at the
 * serializer, not by key name, is what catches a token inside a message.
 */
export function serializeError(err: unknown): unknown {
  const serialized = err instanceof Error ? pino.stdSerializers.errWithCause(err) : err;
  return scrub(serialized, 0, new WeakSet());
}

/**
 * The one root logger of a process. Secrets never reach it: the paths below are redacted in
 * case a config object or a request is logged whole, and errors (`err`, `error`) go through
 * {@link serializeError}, which removes bot tokens anywhere in them and grammY's request
 * payloads. `destination` is for tests; the default is stdout.
 */
export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}) {
  const config: pino.LoggerOptions = {
    name: options.name,
    level: options.level ?? 'info',
    serializers: { err: serializeError, error: serializeError },
    redact: {
      paths: [
        'token', '*.token', 'botToken', '*.botToken', 'secret', '*.secret', 'webhookSecret',
        '*.webhookSecret', 'databaseUrl', '*.databaseUrl', 'headers["x-telegram-bot-api-secret-token"]',
        'req.headers["x-telegram-bot-api-secret-token"]', 'password', '*.password',
      ],
      censor: '[redacted]',
    },
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}

/** The logger type used across the project. */
export type Logger = pino.Logger;
