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
 * running: 200 with queue figures when the database answers within a second, 503 with
 * `database: "down"` when it does not (Railway then keeps the old deployment, or restarts
 * this one).
 */
export function createHealthHandler(deps: {
  sql: Sql;
  inFlight: () => number;
  startup?: () => StartupState;
  /** Where the reason the database is down goes (host and port stay out of the answer). */
  log?: { warn(obj: object, msg: string): void };
  /**
   * How long the database may take to answer. Default 1000 ms: a probe must answer whatever
   * the database does, and a silent partition would otherwise hold it as long as TCP does.
   */
  timeoutMs?: number;
}) {
  const timeoutMs = deps.timeoutMs ?? 1000;
  return async function handleHealth(_req: IncomingMessage, res: ServerResponse): Promise<void> {
    let status = 200;
    let body: object;
    const startup = deps.startup?.() ?? { state: 'running' };
    if (startup.state !== 'running') {
      status = 503;
      body = { ok: false, ...startup };
    } else {
      let timer: NodeJS.Timeout | undefined;
      try {
        const stats = await Promise.race([
          queueStats(deps.sql),
          new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
        ]);
        body = { ok: true, state: 'running', database: 'up', queue: stats, in_flight: deps.inFlight() };
      } catch (err) {
        status = 503;
        // The driver's message names the host and port: the log gets it, the answer does not.
        deps.log?.warn({ err }, 'health check: the database is down');
        body = { ok: false, state: 'running', database: 'down' };
      } finally {
        clearTimeout(timer);
      }
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
}
