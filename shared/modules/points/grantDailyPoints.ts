import type { Queryable } from '../../db/Queryable.js';

/**
 * Grants today's points if the user has not had them yet today (UTC), in one statement.
 * Returns the new balance when it granted, `null` when the user already had today's points or
 * is not registered. Runs at every interaction, so the common case (already granted) is an
 * update that matches nothing: no write, no cron.
 *
 * Exactly once under concurrency: a second update racing the first waits on the row lock, then
 * re-checks `daily_points_on` on the row the first one committed, and no longer matches.
 */
export async function grantDailyPoints(sql: Queryable, userId: number, amount: number): Promise<number | null> {
  if (amount <= 0) return null;
  const [row] = await sql<{ balance_after: number }[]>`
    with granted as (
      update users set points = points + ${amount}, daily_points_on = (now() at time zone 'utc')::date, updated_at = now()
      where id = ${userId} and daily_points_on is distinct from (now() at time zone 'utc')::date
      returning id, points
    )
    insert into points_ledger (user_id, delta, reason, balance_after)
    select id, ${amount}, 'daily', points from granted
    returning balance_after`;
  return row?.balance_after ?? null;
}
