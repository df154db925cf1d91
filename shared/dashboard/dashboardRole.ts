import type { Queryable } from '../db/Queryable.js';
import type { DashboardConfig } from './dashboardConfig.js';
import type { DashboardRole } from './dashboardSessions.js';

/**
 * Who may use the dashboard: `admin` for ADMIN_TELEGRAM_IDS and users marked `is_admin` (the
 * same people who may broadcast), `viewer` for DASHBOARD_VIEWER_TELEGRAM_IDS, nobody else.
 * Asked at sign-in and again on every request, so a removal takes effect at once.
 */
export async function dashboardRole(sql: Queryable, config: Pick<DashboardConfig, 'adminIds' | 'viewerIds'>, userId: number): Promise<DashboardRole | undefined> {
  if (config.adminIds.includes(userId)) return 'admin';
  const [row] = await sql<{ is_admin: boolean }[]>`select is_admin from users where id = ${userId}`;
  if (row?.is_admin) return 'admin';
  if (config.viewerIds.includes(userId)) return 'viewer';
  return undefined;
}
