import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '../shared/db/createSql.js';
import { queueStats } from '../shared/queue/queueStats.js';

/** Where a worker is in its start-up, as `/healthz` reports it. */
export type StartupState =
  | { state: 'starting' }
  | { state: 'telegram_unreachable'; attempt: number; attempts: number; error: string }
  | { state: 'running' };

/**
 * `GET /healthz` for Railway's health check. While the worker starts, 503 with where it is
 * (`starting`, or `telegram_unreachable` with the last getMe error), so that a deploy that
 * cannot reach Telegram fails its health check with a reason instead of a timeout. Once
 * running: 200 with queue figures when the database answers, 503 when it does not (Railway
 * then keeps the old deployment, or restarts this one).
 */
export function createHealthHandler(deps: { sql: Sql; inFlight: () => number; startup?: () => StartupState }) {
  return async function handleHealth(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 200;
    let body: object;
    const startup = deps.startup?.() ?? { state: 'running' };
    if (startup.state !== 'running') {
      status = 503;
      body = { ok: false, ...startup };
    } else {
      try {
        const stats = await queueStats(deps.sql);
        body = { ok: true, state: 'running', database: 'up', queue: stats, in_flight: deps.inFlight() };
      } catch (err) {
        status = 503;
        body = { ok: false, state: 'running', database: 'down', error: (err as Error).message };
      }
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
}
