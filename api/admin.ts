import { EventEmitter } from 'node:events';
import type { VercelRequest, VercelResponse } from '@vercel/node';
import { attachDatabasePool } from '@vercel/functions/db-connections';
import { createSql } from '../shared/db/createSql.js';
import { createLogger } from '../shared/logger.js';
import { createDashboardHandler } from '../shared/dashboard/createDashboardHandler.js';
import { parseDashboardEntryConfig } from '../shared/dashboard/dashboardEntryConfig.js';

// The admin dashboard's function: every /admin path that is not a static file in public/admin
// is rewritten here (vercel.json), with the original path in `__admin_path`. It loads the
// dashboard and the database driver, never the bot. Module scope runs once per cold start.
const config = parseDashboardEntryConfig(process.env);
const log = createLogger({ level: config.logLevel, name: 'dashboard' });
// Through Supabase's transaction pooler: no prepared statements. A dashboard is a few people:
// two connections per instance, closed when idle.
const IDLE_SECONDS = 5;
const sql = createSql(config.databaseUrl, { max: 2, prepare: false, applicationName: 'dashboard', connectTimeout: 5, idleTimeout: IDLE_SECONDS, caCert: config.databaseCaCert });
// As in api/telegram.ts: the instance stays up after each answer until idle connections have
// closed, so a suspension never freezes an open one ("release" once a request is done).
const poolEvents = new EventEmitter();
attachDatabasePool({ options: { idleTimeoutMillis: IDLE_SECONDS * 1000 }, on: (event: 'release', listener: () => void) => void poolEvents.on(event, listener) });
// trustProxyHeaders: Vercel's edge sets x-real-ip and x-forwarded-for (and overwrites what a
// client sent), so the sign-in limit counts the real client address (shared/dashboard/clientAddress.ts).
const handle = createDashboardHandler({ sql, config: config.dashboard, log, instagram: config.instagram, trustProxyHeaders: true });

/** `/admin/*` (rewritten to `/api/admin?__admin_path=…`): the dashboard. See shared/dashboard/createDashboardHandler.ts. */
export default async function adminDashboard(req: VercelRequest, res: VercelResponse): Promise<void> {
  req.url = browserUrlOf(req.url ?? '/');
  try {
    await handle(req, res);
  } finally {
    poolEvents.emit('release');
  }
}

/**
 * The URL the browser asked for, from the rewritten one: the path from `__admin_path`, the
 * query without it. The rewrite's parameter must not reach the handler: the Login Widget's
 * signature covers every query parameter, so an extra one would fail every sign-in.
 */
function browserUrlOf(rawUrl: string): string {
  const url = new URL(rawUrl, 'http://localhost');
  if (url.pathname === '/admin' || url.pathname.startsWith('/admin/')) return rawUrl;
  const rest = (url.searchParams.get('__admin_path') ?? '').replace(/^\/+/, '');
  url.searchParams.delete('__admin_path');
  return `/admin${rest ? `/${rest}` : ''}${url.searchParams.size ? `?${url.searchParams}` : ''}`;
}
