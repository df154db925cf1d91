import type { WebhookDeps } from './createWebhookHandler.js';

/**
 * The webhook's logger: pino is loaded on the first line to log, not at cold start (importing
 * pino cost 43 ms of it). The webhook logs only errors, so a healthy instance never loads it.
 */
export function createLazyLogger(options: { level: string; name: string }): WebhookDeps['log'] {
  let logger: Promise<{ error(obj: object, msg: string): void }> | undefined;
  return {
    error(obj, msg) {
      logger ??= import('../logger.js').then((m) => m.createLogger(options));
      // A logging failure must not become an unhandled rejection in the function.
      logger.then((l) => l.error(obj, msg), () => {});
    },
  };
}
