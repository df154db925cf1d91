import type { Api } from 'grammy';
import type { UpdateType } from '../shared/bot/BotModule.js';
import type { Sql } from '../shared/db/createSql.js';
import { recordUpdate } from '../shared/ingress/recordUpdate.js';
import type { Logger } from '../shared/logger.js';
import { routeUpdate } from '../shared/telegram/routeUpdate.js';

/**
 * Long-polls `getUpdates` and feeds every update through the same dedupe-and-enqueue statement
 * as the webhook, so polling and webhook modes differ only in how updates arrive. The offset
 * moves past an update only once its job is committed: a crash re-fetches it, and dedupe
 * drops what was already recorded.
 */
export function pollUpdates(deps: { api: Api; sql: Sql; log: Logger; wake: () => void; allowedUpdates: readonly UpdateType[] }): { stop(): Promise<void> } {
  const controller = new AbortController();
  const done = (async () => {
    await deps.api.deleteWebhook({ drop_pending_updates: false });
    let offset = 0;
    let failures = 0;
    while (!controller.signal.aborted) {
      try {
        const updates = await deps.api.getUpdates({ offset, timeout: 25, allowed_updates: [...deps.allowedUpdates] }, controller.signal as Parameters<Api['getUpdates']>[1]);
        let recorded = false;
        for (const update of updates) {
          recorded = (await recordUpdate(deps.sql, update.update_id, JSON.stringify(update), routeUpdate(update))) || recorded;
          offset = update.update_id + 1;
        }
        if (recorded) deps.wake();
        failures = 0;
      } catch (err) {
        if (controller.signal.aborted) break;
        failures++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        deps.log.warn({ err, retry_in_ms: delay }, 'getUpdates failed; retrying');
        await new Promise((r) => setTimeout(r, delay));
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
