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
