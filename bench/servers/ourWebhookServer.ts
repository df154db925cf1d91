// The function under test: api/telegram.ts's default export, as deployed, served over HTTP.
// It reads DATABASE_URL, TELEGRAM_WEBHOOK_SECRET and INGRESS_DB_POOL_MAX (default 2) at import,
// exactly as on Vercel.
import type { VercelRequest, VercelResponse } from '@vercel/node';
import telegramWebhook from '../../api/telegram.js';
import { serveOnLoopback } from './serveOnLoopback.js';

serveOnLoopback((req, res) => telegramWebhook(req as VercelRequest, res as VercelResponse));
