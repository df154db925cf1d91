import type { VercelRequest, VercelResponse } from '@vercel/node';
import { createSql } from '../shared/db/createSql.js';
import { parseIngressConfig } from '../shared/ingress/ingressConfig.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { createLazyLogger } from '../shared/ingress/createLazyLogger.js';

// Module scope runs once per cold start; everything below is reused by warm invocations,
// including the database connection.
const config = parseIngressConfig(process.env);
const log = createLazyLogger({ level: config.logLevel, name: 'webhook' });
// Through Supabase's transaction pooler: prepared statements cannot be used there.
const sql = createSql(config.databaseUrl, { max: config.poolMax, prepare: false, applicationName: 'webhook', connectTimeout: 5, fetchTypes: false, caCert: config.databaseCaCert });
const handleWebhook = createWebhookHandler({ sql, secret: config.webhookSecret, log });

/**
 * `POST /api/telegram`: Telegram's webhook. See shared/ingress/createWebhookHandler.ts.
 * @vercel/node parses `req.body` only when it is read; the handler never reads it and takes the
 * raw stream instead, so it can enforce its own size limit.
 */
export default async function telegramWebhook(req: VercelRequest, res: VercelResponse): Promise<void> {
  await handleWebhook(req, res);
}
