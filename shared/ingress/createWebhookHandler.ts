import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Sql } from '../db/createSql.js';
import { createWaker } from '../queue/createWaker.js';
import { routeUpdate } from '../telegram/routeUpdate.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { recordUpdate } from './recordUpdate.js';
import { secretMatches } from './secretMatches.js';

/** Telegram's updates are far smaller; anything bigger is not from Telegram. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** What the webhook handler needs. */
export interface WebhookDeps {
  sql: Sql;
  /** `TELEGRAM_WEBHOOK_SECRET`, also given to Telegram in `setWebhook`. */
  secret: string;
  log: { error(obj: object, msg: string): void };
  /**
   * Wakes the workers once a new job is committed. Default a NOTIFY after the commit (see
   * shared/queue/createWaker.ts); `npm start` adds its in-process runner.
   */
  wake?: () => void;
}

/** What the webhook decided about one request (also logged by tests and benchmarks). */
export type WebhookOutcome = 'accepted' | 'duplicate' | 'rejected';

/**
 * Errors that mean "the connection went away", not "the statement failed". A warm serverless
 * instance can hold a socket the pooler closed while the instance was frozen; one retry on a
 * fresh connection is safe because {@link recordUpdate} is idempotent.
 */
const CONNECTION_ERRORS = new Set(['CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECTION_DESTROYED', 'ECONNRESET', 'EPIPE']);

function send(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The Telegram webhook: verify, deduplicate, enqueue, answer. It does no other work, loads no
 * bot code and never calls Telegram. 200 means the job is committed; 503 makes Telegram
 * deliver the update again later, so a database outage loses nothing.
 */
export function createWebhookHandler(deps: WebhookDeps) {
  const wakeWorkers = deps.wake ?? createWaker(deps.sql);

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
    const route = routeUpdate(update);
    let inserted: boolean;
    try {
      inserted = await recordUpdate(deps.sql, updateId, body, route).catch((err: { code?: string }) => {
        if (err && CONNECTION_ERRORS.has(err.code ?? '')) return recordUpdate(deps.sql, updateId, body, route);
        throw err;
      });
    } catch (err) {
      deps.log.error({ err, update_id: updateId }, 'webhook could not record update; answering 503 so Telegram retries');
      send(res, 503, 'try again');
      return 'rejected';
    }
    send(res, 200, 'ok');
    if (inserted) wakeWorkers();
    return inserted ? 'accepted' : 'duplicate';
  };
}
