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
 * One statement when the hit is allowed (every command pays for this; against a remote database
 * a statement is a round trip), three when it is refused. The row is locked for the
 * transaction (created on first use), so two replicas handling the same user at once count one
 * after the other. Times are the database's, so replicas with
 * skewed clocks agree. In an update's transaction (createBot.ts) the hit commits with the
 * update: a failed attempt that is retried is not counted twice.
 */
export async function hitRateLimit(sql: Queryable, userId: number, action: RateLimitName, rule: RateLimitRule): Promise<RateLimitVerdict> {
  return atomically(sql, async (tx): Promise<RateLimitVerdict> => {
    const window = `${rule.windowMs} milliseconds`;
    // The common case in one statement: the hit is logged if the window has room. The update's
    // condition is checked on the locked row, and a row it does not update is still locked (and
    // not returned), so a refusal reads the same row below, as it stands.
    const [allowed] = await tx`
      insert into rate_limits as r (user_id, action, hits) values (${userId}, ${action}, array[now()])
      on conflict (user_id, action) do update
        set hits = array(select h from unnest(r.hits) h where h > now() - ${window}::interval) || now()
        where cardinality(array(select h from unnest(r.hits) h where h > now() - ${window}::interval)) < ${rule.requests}
      returning 1`;
    if (allowed) return { allowed: true };
    const [row] = await tx<{ oldest: Date; told_until: Date | null; now: Date }[]>`
      select (select min(h) from unnest(hits) h where h > now() - ${window}::interval) as oldest, told_until, now()
      from rate_limits where user_id = ${userId} and action = ${action}`;
    if (!row?.oldest) throw new Error(`rate limit row for user ${userId} (${action}) was full but holds no hit in the window`);
    const { oldest, told_until: toldUntil, now } = row;
    const retryAt = new Date(oldest.getTime() + rule.windowMs);
    const tell = toldUntil === null || toldUntil.getTime() < retryAt.getTime();
    if (tell) await tx`update rate_limits set told_until = ${retryAt} where user_id = ${userId} and action = ${action}`;
    return { allowed: false, retryAt, retryInMs: retryAt.getTime() - now.getTime(), tell };
  });
}
