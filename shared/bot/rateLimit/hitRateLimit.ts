import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import type { RateLimitName, RateLimitRule } from './rateLimits.js';

/** The verdict on one hit. */
export type RateLimitVerdict =
  | { allowed: true }
  /** `tell` is true for the first refusal until `retryAt`; later ones are dropped silently. */
  | { allowed: false; retryAt: Date; retryInMs: number; tell: boolean };

/**
 * Counts one hit of `action` against the user's limit, in PostgreSQL so that every worker
 * replica counts the same hits. A sliding log: the row holds the times of the hits allowed in
 * the last window, so "10 per 60 s" holds over any 60 s, not per clock minute (a fixed window
 * would let 20 through across a boundary). Refused hits are not logged, so a user who keeps
 * trying is let back in when the window frees up, at the time they were told.
 *
 * The row is locked for the transaction (created on first use), so two replicas handling the
 * same user at once count one after the other. Times are the database's, so replicas with
 * skewed clocks agree. In an update's transaction (createBot.ts) the hit commits with the
 * update: a failed attempt that is retried is not counted twice.
 */
export async function hitRateLimit(sql: Queryable, userId: number, action: RateLimitName, rule: RateLimitRule): Promise<RateLimitVerdict> {
  return atomically(sql, async (tx): Promise<RateLimitVerdict> => {
    const window = `${rule.windowMs} milliseconds`;
    // The no-op update takes the row lock and returns the row, whether it was just created or not.
    const [row] = await tx<{ recent: number; oldest: Date | null; told_until: Date | null; now: Date }[]>`
      insert into rate_limits as r (user_id, action) values (${userId}, ${action})
      on conflict (user_id, action) do update set user_id = r.user_id
      returning
        cardinality(array(select h from unnest(r.hits) h where h > now() - ${window}::interval)) as recent,
        (select min(h) from unnest(r.hits) h where h > now() - ${window}::interval) as oldest,
        told_until, now()`;
    if (!row) throw new Error(`rate limit row for user ${userId} (${action}) was not returned`);
    const { recent, oldest, told_until: toldUntil, now } = row;
    if (recent < rule.requests || oldest === null) {
      await tx`
        update rate_limits set hits = array(select h from unnest(hits) h where h > now() - ${window}::interval) || now()
        where user_id = ${userId} and action = ${action}`;
      return { allowed: true };
    }
    const retryAt = new Date(oldest.getTime() + rule.windowMs);
    const tell = toldUntil === null || toldUntil.getTime() < retryAt.getTime();
    if (tell) await tx`update rate_limits set told_until = ${retryAt} where user_id = ${userId} and action = ${action}`;
    return { allowed: false, retryAt, retryInMs: retryAt.getTime() - now.getTime(), tell };
  });
}
