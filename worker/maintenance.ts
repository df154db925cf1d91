import type { Sql } from '../shared/db/createSql.js';

/** What one maintenance pass removed. */
export interface MaintenanceResult {
  seenUpdatesDeleted: number;
  sessionsDeleted: number;
}

/**
 * Housekeeping that needs no cron: any worker runs it now and then (every replica may; the
 * deletes are idempotent).
 *
 * Seen update ids are kept 7 days: Telegram gives up on an update after 24 hours, so an id
 * older than that can never be redelivered, and the margin covers clock skew and outages.
 * Deleted in bounded batches so one pass never holds long locks.
 */
export async function runMaintenance(sql: Sql, batch = 10_000): Promise<MaintenanceResult> {
  let seenUpdatesDeleted = 0;
  for (;;) {
    const deleted = await sql`
      delete from processed_webhooks where update_id in (
        select update_id from processed_webhooks
        where received_at < now() - interval '7 days'
        limit ${batch}
      )`;
    seenUpdatesDeleted += deleted.count;
    if (deleted.count < batch) break;
  }
  const sessions = await sql`delete from sessions where expires_at < now()`;
  return { seenUpdatesDeleted, sessionsDeleted: sessions.count };
}
