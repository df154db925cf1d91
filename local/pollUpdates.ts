import type { Api } from 'grammy';
import type { UpdateType } from '../shared/bot/BotModule.js';
import type { Sql } from '../shared/db/createSql.js';
import { createUpdateRecorder } from '../shared/ingress/createUpdateRecorder.js';
import type { Logger } from '../shared/logger.js';
import { routeUpdate } from '../shared/telegram/routeUpdate.js';

/** Waits `ms`, or less when `signal` aborts; the listener is removed either way. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

/**
 * Long-polls `getUpdates` and feeds every update through the same recorder as the webhook
 * (dedupe and enqueue in one statement, NUL and lone surrogates repaired), so polling and
 * webhook modes differ only in how updates arrive. The offset moves past an update only once
 * its job is committed (or it was refused for its content, logged once): a crash re-fetches
 * it, and dedupe drops what was already recorded. `deleteWebhook` and `getUpdates` failures
 * are retried with backoff; `stop()` ends a wait at once.
 */
export function pollUpdates(deps: {
  api: Api;
  sql: Sql;
  log: Logger;
  wake: () => unknown;
  allowedUpdates: readonly UpdateType[];
  /** Wait after the n-th failure in a row. Default 1 s doubling up to 30 s. */
  retryDelayMs?: (failures: number) => number;
}): { stop(): Promise<void> } {
  const retryDelayMs = deps.retryDelayMs ?? ((failures: number) => Math.min(30_000, 500 * 2 ** Math.min(failures, 6)));
  const controller = new AbortController();
  const { signal } = controller;
  const recorder = createUpdateRecorder(deps.sql, { maxInFlight: 1, timeoutMs: 10_000 });
  const done = (async () => {
    let webhookDeleted = false;
    let offset = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        if (!webhookDeleted) {
          await deps.api.deleteWebhook({ drop_pending_updates: false }, signal as Parameters<Api['deleteWebhook']>[1]);
          webhookDeleted = true;
        }
        const updates = await deps.api.getUpdates({ offset, timeout: 25, allowed_updates: [...deps.allowedUpdates] }, signal as Parameters<Api['getUpdates']>[1]);
        let recorded = false;
        for (const update of updates) {
          const outcome = await recorder.record({ updateId: update.update_id, body: JSON.stringify(update), update, route: routeUpdate(update) });
          if (outcome.kind === 'timeout') throw new Error('the database did not answer in time');
          if (outcome.kind === 'failed') throw outcome.error;
          if (outcome.kind === 'unstorable') deps.log.error({ err: outcome.error, update_id: update.update_id }, 'update dropped: PostgreSQL refuses its content');
          recorded = outcome.kind === 'accepted' || recorded;
          offset = update.update_id + 1;
        }
        if (recorded) deps.wake();
        failures = 0;
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const delay = retryDelayMs(failures);
        deps.log.warn({ err, retry_in_ms: delay }, webhookDeleted ? 'getUpdates failed; retrying' : 'deleteWebhook failed; retrying');
        await sleep(delay, signal);
      }
    }
  })();
  return {
    async stop() {
      controller.abort();
      await done;
    },
  };
}
