import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '../shared/db/createSql.js';
import { queueStats } from '../shared/queue/queueStats.js';

/**
 * `GET /healthz` for Railway's health check: 200 with queue figures when the database
 * answers, 503 when it does not (Railway then keeps the old deployment, or restarts this one).
 */
export function createHealthHandler(deps: { sql: Sql; inFlight: () => number }) {
  return async function handleHealth(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 200;
    let body: object;
    try {
      const stats = await queueStats(deps.sql);
      body = { ok: true, database: 'up', queue: stats, in_flight: deps.inFlight() };
    } catch (err) {
      status = 503;
      body = { ok: false, database: 'down', error: (err as Error).message };
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
}
