import type { Sql } from '../../shared/db/createSql.js';

/**
 * Resolves once at least `count` of this database's backends wait for a lock (pg_stat_activity's
 * `wait_event_type = 'Lock'`; `advisory` narrows it to advisory locks), optionally only those
 * whose query matches `queryLike`. Another connection's lock wait emits nothing a test could
 * listen to, so this asks the server every 10 ms; `timeoutMs` only stops a test that would
 * otherwise hang.
 */
export async function lockWaits(sql: Sql, count: number, options: { event?: 'advisory'; queryLike?: string; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const [row] = await sql<{ n: number }[]>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'
        ${options.event ? sql`and wait_event = ${options.event}` : sql``}
        ${options.queryLike ? sql`and query like ${options.queryLike}` : sql``}`;
    if ((row?.n ?? 0) >= count) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} backend(s) to wait on a lock`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
