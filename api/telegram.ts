import { EventEmitter } from 'node:events';
import type { VercelRequest, VercelResponse } from '@vercel/node';
import { attachDatabasePool } from '@vercel/functions/db-connections';
import { createSql } from '../shared/db/createSql.js';
import { parseIngressConfig } from '../shared/ingress/ingressConfig.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { createLazyLogger } from '../shared/ingress/createLazyLogger.js';

// Module scope runs once per cold start; everything below is reused by warm invocations,
// including the database connections. See docs/ARCHITECTURE.md, "The webhook on Fluid compute".
const config = parseIngressConfig(process.env);
const log = createLazyLogger({ level: config.logLevel, name: 'webhook' });
// Through Supabase's transaction pooler: prepared statements cannot be used there. Idle
// connections close after IDLE_SECONDS, before a suspended instance could hold them past
// the pooler's or the network's own idle cut-off.
const IDLE_SECONDS = 5;
const sql = createSql(config.databaseUrl, {
  max: config.poolMax, prepare: false, applicationName: 'webhook', connectTimeout: 2, idleTimeout: IDLE_SECONDS,
  fetchTypes: false, caCert: config.databaseCaCert,
});
// attachDatabasePool keeps the instance running after each request until the pool's idle
// timeout has closed the connections, so that suspension never freezes an open one. It knows
// pg's pool by duck typing (`options.idleTimeoutMillis` and a "release" event) and not
// postgres.js, so this is postgres.js's pool described in pg's terms: the handler emits
// "release" when a request's statement has settled.
const poolEvents = new EventEmitter();
attachDatabasePool({ options: { idleTimeoutMillis: IDLE_SECONDS * 1000 }, on: (event: 'release', listener: () => void) => void poolEvents.on(event, listener) });
const handleWebhook = createWebhookHandler({
  sql, secret: config.webhookSecret, log, poolMax: config.poolMax,
  onDatabaseIdle: () => poolEvents.emit('release'),
  // The NOTIFY that wakes the workers goes out after the answer; on Fluid compute the
  // instance may be suspended once the answer is sent, so the NOTIFY is kept alive with it.
  // The package's root (15 modules) loads on first use, after the first answer, not at cold
  // start; the import continues in the request's context, and the pool's idle wait (above,
  // registered before the answer) keeps the instance up meanwhile.
  keepAlive: (promise) => void import('@vercel/functions').then((m) => m.waitUntil(promise), () => {}),
});

/**
 * `POST /api/telegram`: Telegram's webhook. See shared/ingress/createWebhookHandler.ts.
 * @vercel/node parses `req.body` only when it is read; the handler never reads it and takes the
 * raw stream instead, so it can enforce its own size limit.
 */
export default async function telegramWebhook(req: VercelRequest, res: VercelResponse): Promise<void> {
  await handleWebhook(req, res);
}
