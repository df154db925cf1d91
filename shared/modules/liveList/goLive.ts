import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { changePoints } from '../points/changePoints.js';

/** What /golive did. */
export type GoLiveResult =
  | { status: 'live'; username: string; minutes: number; cost: number; balance: number; unlimited: boolean }
  | { status: 'already_live'; username: string; minutesLeft: number }
  | { status: 'not_enough_points'; cost: number; balance: number }
  | { status: 'no_username' }
  | { status: 'not_registered' };

/**
 * Puts the user's Instagram username on the live list for `minutes`, spending `cost` points
 * (nothing with unlimited points). A user already live is told for how long, and pays nothing.
 *
 * The user's row is locked first, so two /golive at once (a double tap reaching two workers)
 * serialize: the second sees the first one's session and is not charged.
 */
export async function goLive(sql: Queryable, userId: number, options: { cost: number; minutes: number }): Promise<GoLiveResult> {
  return atomically(sql, async (tx): Promise<GoLiveResult> => {
    const [user] = await tx<{ points: number; unlimited_points: boolean; live_username: string | null }[]>`
      select points, unlimited_points, live_username from users where id = ${userId} for update`;
    if (!user) return { status: 'not_registered' };
    if (!user.live_username) return { status: 'no_username' };
    const [live] = await tx<{ live_username: string; minutes_left: number }[]>`
      select live_username, ceil(extract(epoch from ends_at - now()) / 60)::int as minutes_left
      from live_sessions where user_id = ${userId} and ends_at > now()
      order by ends_at desc limit 1`;
    if (live) return { status: 'already_live', username: live.live_username, minutesLeft: live.minutes_left };
    const cost = user.unlimited_points ? 0 : options.cost;
    let balance = user.points;
    if (cost > 0) {
      const after = await changePoints(tx, { userId, delta: -cost, reason: 'golive' });
      if (after === null) return { status: 'not_enough_points', cost, balance };
      balance = after;
    }
    await tx`
      insert into live_sessions (user_id, live_username, ends_at)
      values (${userId}, ${user.live_username}, now() + ${options.minutes} * interval '1 minute')`;
    return { status: 'live', username: user.live_username, minutes: options.minutes, cost, balance, unlimited: user.unlimited_points };
  });
}
