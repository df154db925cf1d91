import type { Sql } from '../shared/db/createSql.js';

/**
 * Deletes seen update ids older than 7 days, in bounded batches so that one pass never holds
 * long locks. Telegram gives up on an update after 24 hours, so an older id can never be
 * redelivered; the margin covers clock skew and outages.
 */
export async function deleteOldSeenUpdates(sql: Sql, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from processed_webhooks where update_id in (
        select update_id from processed_webhooks
        where received_at < now() - interval '7 days'
        limit ${batch}
      )`;
    total += deleted.count;
    if (deleted.count < batch) return total;
  }
}

/** Deletes sessions past their expiry. */
export async function deleteExpiredSessions(sql: Sql): Promise<number> {
  return (await sql`delete from sessions where expires_at < now()`).count;
}

/**
 * Deletes rate-limit rows whose newest hit is a day old and whose notice has lapsed: the limit's
 * window is a minute by default (RATE_LIMIT_WINDOW_MS), so such a row limits nothing any more.
 */
export async function deleteStaleRateLimits(sql: Sql): Promise<number> {
  return (await sql`
    delete from rate_limits
    where coalesce(hits[array_upper(hits, 1)], '-infinity') < now() - interval '1 day'
      and (told_until is null or told_until < now())`).count;
}

/**
 * Deletes the dashboard's sign-in attempts of addresses idle for a day whose lockout has
 * lapsed: the sign-in window is at most a day (DASHBOARD_SIGN_IN_WINDOW_MINUTES), so such a
 * row limits nothing any more.
 */
export async function deleteStaleSignInAttempts(sql: Sql): Promise<number> {
  return (await sql`
    delete from dashboard_sign_in_attempts
    where coalesce(hits[array_upper(hits, 1)], '-infinity') < now() - interval '1 day'
      and (told_until is null or told_until < now())`).count;
}

/**
 * Deletes /bulk uploads a day past their last change, with their photos (bulk_upload_images,
 * by the foreign key's cascade), in bounded batches. An upload lasts a day (BULK_TTL_MS: a
 * collecting one reads as cancelled once expires_at passes, and expires_at is a day after its
 * last change), so by then a collecting one is dead; a confirmed or cancelled one is kept a
 * day after that change, so a second press of its old buttons still answers "already
 * scheduled" meanwhile, and after it "cannot find this upload" (bulk_gone). Both conditions
 * are checked: an upload still collecting is never deleted, whatever its updated_at says.
 *
 * Nothing else is stored: the photos stay on Telegram's servers (the upload keeps file ids;
 * receiving one downloads it into memory only to check and measure it). The posts an upload
 * became are the posts' own (their images were copied into post_images, their Dropbox copies
 * have their own 7-day retention) and stay; bulk_upload_images.post_id points from the upload
 * to them, never the reverse.
 */
export async function deleteOldBulkUploads(sql: Sql, batch = 1_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from bulk_uploads where id in (
        select id from bulk_uploads
        where expires_at < now() and updated_at < now() - interval '1 day'
        limit ${batch}
      )`;
    total += deleted.count;
    if (deleted.count < batch) return total;
  }
}

/** Deletes periodic-task records older than a week: no replica schedules such old ticks. */
export async function deleteOldPeriodicRuns(sql: Sql): Promise<number> {
  return (await sql`delete from periodic_task_runs where scheduled_at < now() - interval '7 days'`).count;
}

/**
 * Deletes metric rows older than 30 days, in bounded batches: the alert rules read the last hour
 * and the dashboard's charts a few weeks; new users per day come from `users` itself.
 */
export async function deleteOldMetrics(sql: Sql, batch = 10_000): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await sql`
      delete from metric_minutes where (metric, minute, label, shard) in (
        select metric, minute, label, shard from metric_minutes where minute < now() - interval '30 days' limit ${batch}
      )`;
    total += deleted.count;
    if (deleted.count < batch) return total;
  }
}
