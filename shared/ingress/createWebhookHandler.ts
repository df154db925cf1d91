import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '../db/createSql.js';
import { createWaker } from '../queue/createWaker.js';
import { routeUpdate } from '../telegram/routeUpdate.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { createUpdateRecorder } from './createUpdateRecorder.js';
import { secretMatches } from './secretMatches.js';

/** Telegram's updates are far smaller; anything bigger is not from Telegram. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the webhook handler needs. */
export interface WebhookDeps {
  sql: Sql;
  /** `TELEGRAM_WEBHOOK_SECRET`, also given to Telegram in `setWebhook`. */
  secret: string;
  log: { error(obj: object, msg: string): void };
  /** Statements in flight at once; the pool's size (`INGRESS_DB_POOL_MAX`). Default 1. */
  poolMax?: number;
  /**
   * How long an update may wait for the database before the answer is 503. Default 3000 ms:
   * well under the function's `maxDuration` (10 s) and Telegram's 60 s, so that an outage of
   * any kind (refused, reset, silent) costs Telegram a quick 503 and a redelivery, never a
   * hung request that stalls the chat's next update.
   */
  dbTimeoutMs?: number;
  /**
   * Wakes the workers once a new job is committed. Default a NOTIFY after the commit (see
   * shared/queue/createWaker.ts); `npm start` adds its in-process runner. What it returns is
   * given to {@link keepAlive}.
   */
  wake?: () => Promise<unknown> | void;
  /**
   * Keeps the instance running until a promise settles, after the answer is sent (Vercel's
   * `waitUntil`): Fluid compute may suspend an instance as soon as its requests are answered,
   * and the NOTIFY goes out after the answer.
   */
  keepAlive?: (promise: Promise<unknown>) => void;
  /** Called once per request after its statement settled: the pool's "release" (Vercel's attachDatabasePool). */
  onDatabaseIdle?: () => void;
}

/** What the webhook decided about one request (also logged by tests and benchmarks). */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'rejected';

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The Telegram webhook: verify, deduplicate, enqueue, answer. It does no other work, loads no
 * bot code and never calls Telegram. 200 means the job is committed; 503 makes Telegram
 * deliver the update again later: a database outage loses nothing but button presses and
 * pre-checkout queries, which Telegram drops 150 s after they were made (docs/ARCHITECTURE.md).
 * An update PostgreSQL refuses by its content (see createUpdateRecorder.ts) is answered 200 and logged once:
 * delivering it again could only fail again.
 */
export function createWebhookHandler(deps: WebhookDeps) {
  const wakeWorkers = deps.wake ?? createWaker(deps.sql);
  const recorder = createUpdateRecorder(deps.sql, { maxInFlight: deps.poolMax ?? 1, timeoutMs: deps.dbTimeoutMs ?? 3000 });

  return async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<WebhookOutcome> {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      send(res, 405, 'method not allowed');
      return 'rejected';
    }
    const header = req.headers['x-telegram-bot-api-secret-token'];
    if (!secretMatches(typeof header === 'string' ? header : undefined, deps.secret)) {
      send(res, 401, 'unauthorized');
      return 'rejected';
    }
    let body: string;
    try {
      body = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader('connection', 'close');
        send(res, 413, 'payload too large');
      } else {
        send(res, 400, 'could not read body');
      }
      return 'rejected';
    }
    let update: { update_id?: unknown };
    try {
      update = JSON.parse(body) as { update_id?: unknown };
    } catch {
      send(res, 400, 'body is not JSON');
      return 'rejected';
    }
    const updateId = update?.update_id;
    if (typeof updateId !== 'number' || !Number.isSafeInteger(updateId) || updateId < 0) {
      send(res, 400, 'update_id must be a non-negative integer');
      return 'rejected';
    }
    const outcome = await recorder.record({ updateId, body, update, route: routeUpdate(update) });
    deps.onDatabaseIdle?.();
    switch (outcome.kind) {
      case 'accepted': {
        send(res, 200, 'ok');
        const notified = wakeWorkers();
        if (notified) deps.keepAlive?.(notified);
        return 'accepted';
      }
      case 'duplicate':
        send(res, 200, 'ok');
        return 'duplicate';
      case 'unstorable':
        deps.log.error({ err: outcome.error, update_id: updateId }, 'update dropped: its content cannot be stored (PostgreSQL refuses it, or it nests deeper than any real update), and a redelivery would fail the same way; answered 200');
        send(res, 200, 'ok');
        return 'rejected';
      case 'timeout':
        deps.log.error({ update_id: updateId, timeout_ms: deps.dbTimeoutMs ?? 3000 }, 'webhook got no answer from the database in time; answering 503 so Telegram retries');
        send(res, 503, 'try again');
        return 'rejected';
      case 'failed':
        deps.log.error({ err: outcome.error, update_id: updateId }, 'webhook could not record update; answering 503 so Telegram retries');
        send(res, 503, 'try again');
        return 'rejected';
    }
  };
}
