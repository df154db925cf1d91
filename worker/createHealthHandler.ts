import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '../shared/db/createSql.js';
import { queueStats } from '../shared/queue/queueStats.js';
import type { ClaimHealth } from './jobRunner.js';

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
 * `database: "down"` when it does not (during a deploy Railway then keeps the old deployment;
 * once a deployment is live Railway no longer asks, so only a monitor the operator points at
 * this path sees it: DEPLOYMENT.md), and 503 with `claims.healthy: false` when the runner's claims have kept failing
 * (or one has gone unanswered) for its `claimFailureMs`: a worker that claims nothing runs
 * nothing, the alert check included, so this answer is the only one that can say so. The
 * database is still probed then, which tells a refused claim (`database: "up"`) from an outage.
 */
export function createHealthHandler(deps: {
  sql: Sql;
  inFlight: () => number;
  startup?: () => StartupState;
  /** The runner's claims (JobRunner.claimHealth); absent before the runner exists. */
  claims?: () => ClaimHealth | undefined;
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
      const claims = deps.claims?.();
      // The reason's name and code only: a driver's message may name the host and port.
      const claimsBody = claims && {
        claims: {
          healthy: claims.healthy, state: claims.state, consecutive_failures: claims.consecutiveFailures, failing_for_ms: claims.failingForMs,
          last_success_at: claims.lastSuccessAt?.toISOString() ?? null, ...(claims.lastError ? { last_error: claims.lastError } : {}),
        },
      };
      if (claims && !claims.healthy) status = 503;
      try {
        const stats = await Promise.race([
          queueStats(deps.sql),
          new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs); }),
        ]);
        body = { ok: status === 200, state: 'running', database: 'up', queue: stats, in_flight: deps.inFlight(), ...claimsBody };
      } catch (err) {
        status = 503;
        // The driver's message names the host and port: the log gets it, the answer does not.
        deps.log?.warn({ err }, 'health check: the database is down');
        body = { ok: false, state: 'running', database: 'down', ...claimsBody };
      } finally {
        clearTimeout(timer);
      }
    }
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(body));
  };
}
