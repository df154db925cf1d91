import type { Queryable } from '../../db/Queryable.js';

/** What /points shows. */
export interface PointsSummary {
  balance: number;
  unlimited: boolean;
  /** Points granted today (UTC) by the daily bonus; 0 if none. */
  dailyToday: number;
  referralCode: string;
  /** Users who joined through this user's link. */
  referrals: number;
}

/** A user's points at a glance; `null` if not registered. */
export async function readPointsSummary(sql: Queryable, userId: number): Promise<PointsSummary | null> {
  const [row] = await sql<PointsSummary[]>`
    select u.points as balance, u.unlimited_points as unlimited, u.referral_code as "referralCode",
      (select count(*)::int from users r where r.referred_by = u.id) as referrals,
      coalesce((select sum(delta)::int from points_ledger l
                where l.user_id = u.id and l.reason = 'daily'
                  and l.created_at >= (now() at time zone 'utc')::date::timestamp at time zone 'utc'), 0) as "dailyToday"
    from users u where u.id = ${userId}`;
  return row ?? null;
}
