import pino from 'pino';

/**
 * The one root logger of a process. Secrets never reach it: the paths below are redacted in
 * case a config object or a request is logged whole, and the bot token is never put in a
 * message (grammY's errors carry the method name, not the URL).
 */
export function createLogger(options: { level?: string; name?: string } = {}) {
  return pino({
    name: options.name,
    level: options.level ?? 'info',
    redact: {
      paths: [
        'token', '*.token', 'botToken', '*.botToken', 'secret', '*.secret', 'webhookSecret',
        '*.webhookSecret', 'databaseUrl', '*.databaseUrl', 'headers["x-telegram-bot-api-secret-token"]',
        'req.headers["x-telegram-bot-api-secret-token"]', 'password', '*.password',
      ],
      censor: '[redacted]',
    },
  });
}

/** The logger type used across the project. */
export type Logger = pino.Logger;
