import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { createDashboardHandler, type DashboardDeps } from '../../shared/dashboard/createDashboardHandler.js';
import { type DashboardConfig, parseDashboardConfig } from '../../shared/dashboard/dashboardConfig.js';
import { signLoginWidget } from '../../shared/dashboard/verifyLoginWidget.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';
import { testLogger } from './testLogger.js';
import { PROJECT_ROOT } from './runCommand.js';

/** The bot token the test dashboard checks Login Widget signatures with. */
export const DASHBOARD_BOT_TOKEN = '123456:TEST-dashboard-token-abcdefghij';
/** ADMIN_TELEGRAM_IDS and DASHBOARD_VIEWER_TELEGRAM_IDS of the test dashboard. */
export const ADMIN_ID = 1001;
export const VIEWER_ID = 2002;

/** The dashboard as `npm start` serves it, on a fresh database, with its assets. */
export interface DashboardUnderTest {
  url: string;
  db: TestDatabase;
  /** The URL the Login Widget would redirect to for `userId` (signed with the test bot token). */
  widgetSignInUrl(userId: number, options?: { authDate?: number; token?: string; firstName?: string }): string;
  close(): Promise<void>;
}

/** Starts the dashboard handler on 127.0.0.1 (a free port) over a new test database. */
export async function startDashboard(options: { config?: Partial<DashboardConfig>; instagram?: DashboardDeps['instagram']; db?: TestDatabase; trustProxyHeaders?: boolean } = {}): Promise<DashboardUnderTest> {
  const db = options.db ?? await createTestDatabase();
  const config: DashboardConfig = {
    ...parseDashboardConfig({ TELEGRAM_BOT_TOKEN: DASHBOARD_BOT_TOKEN, TELEGRAM_BOT_USERNAME: 'test_dashboard_bot', ADMIN_TELEGRAM_IDS: String(ADMIN_ID), DASHBOARD_VIEWER_TELEGRAM_IDS: String(VIEWER_ID) }),
    // Every request of a test comes from 127.0.0.1, one address, and the access and OpenID
    // tests refuse ten sign-ins or more on purpose; the limit's own test (signInLimit.test.ts)
    // runs with the default.
    signInLimit: { attempts: 1000, windowMinutes: 10 },
    ...options.config,
  };
  const handle = createDashboardHandler({
    sql: db.sql, config, log: testLogger, instagram: options.instagram, assetsDir: path.join(PROJECT_ROOT, 'public', 'admin', 'assets'), trustProxyHeaders: options.trustProxyHeaders,
  });
  const server: Server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Each link is different (a link works once): the n-th is dated n seconds before start-up,
  // so no two links share an auth_date whatever the clock does meanwhile.
  const startedAt = Math.floor(Date.now() / 1000);
  let links = 0;
  return {
    url, db,
    widgetSignInUrl(userId, o = {}) {
      const fields = { id: userId, first_name: o.firstName ?? 'Admin', auth_date: o.authDate ?? startedAt - links++ };
      return `${url}/admin/auth/telegram?${signLoginWidget(fields, o.token ?? DASHBOARD_BOT_TOKEN)}`;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      if (!options.db) await db.drop();
    },
  };
}
