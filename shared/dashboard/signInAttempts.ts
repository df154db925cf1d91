import type { Sql } from '../db/createSql.js';
import type { Queryable } from '../db/Queryable.js';
import { recordAudit } from '../modules/audit/recordAudit.js';

/** How many sign-in attempts one address may make in a window (DASHBOARD_SIGN_IN_ATTEMPTS per DASHBOARD_SIGN_IN_WINDOW_MINUTES). */
export interface SignInLimit {
  attempts: number;
  windowMinutes: number;
}

/** The verdict on a sign-in request from one address. */
export type SignInVerdict =
  | { allowed: true }
  /** `firstRefusal` is true for the first refused request until `retryAt`: the one that records the lockout. */
  | { allowed: false; retryAt: Date; retryInMs: number; firstRefusal: boolean };

/**
 * Counts one sign-in attempt from `address`, in PostgreSQL so that every dashboard function
 * instance counts the same attempts. The sliding log of shared/bot/rateLimit/hitRateLimit.ts:
 * the row holds the times of the attempts counted in the last window, so the limit holds over
 * any window, not per clock window. A refused request is not logged, so an address that keeps
 * trying is let back in when the window frees up, at the time it was told (Retry-After).
 *
 * The attempt is counted before anything is checked, in one statement on the locked row, so
 * twenty requests at once from one address cannot all pass a check made before any of them
 * was counted. A sign-in that succeeds gives its attempt back ({@link giveBackSignInAttempt}).
 */
export async function hitSignInLimit(sql: Sql, address: string, limit: SignInLimit): Promise<SignInVerdict> {
  return sql.begin(async (tx): Promise<SignInVerdict> => {
    const window = `${limit.windowMinutes} minutes`;
    const [allowed] = await tx`
      insert into dashboard_sign_in_attempts as a (address, hits) values (${address}, array[now()])
      on conflict (address) do update
        set hits = array(select h from unnest(a.hits) h where h > now() - ${window}::interval) || now()
        where cardinality(array(select h from unnest(a.hits) h where h > now() - ${window}::interval)) < ${limit.attempts}
      returning 1`;
    if (allowed) return { allowed: true };
    const refusal = await refusalOf(tx, address, limit);
    if (!refusal) throw new Error(`sign-in attempts of ${address}: the window was full but holds no attempt in it`);
    return refusal;
  });
}

/**
 * Whether `address` is over the limit now, without counting an attempt: for the start of
 * Log In With Telegram, which checks nothing and only redirects (its way back is the attempt).
 */
export async function checkSignInLimit(sql: Sql, address: string, limit: SignInLimit): Promise<SignInVerdict> {
  return sql.begin(async (tx): Promise<SignInVerdict> => (await refusalOf(tx, address, limit)) ?? { allowed: true });
}

/**
 * The refusal of an address whose window is full, or undefined when it has room. The first
 * refusal of a lockout is marked (told_until, as hitRateLimit marks the notice it sends) and
 * written to the audit log in the same transaction: one record per lockout, however many
 * requests a script sends meanwhile, and none lost.
 */
async function refusalOf(tx: Queryable, address: string, limit: SignInLimit): Promise<SignInVerdict | undefined> {
  const window = `${limit.windowMinutes} minutes`;
  const [row] = await tx<{ counted: number; oldest: Date | null; told_until: Date | null; now: Date }[]>`
    select cardinality(array(select h from unnest(hits) h where h > now() - ${window}::interval)) as counted,
      (select min(h) from unnest(hits) h where h > now() - ${window}::interval) as oldest, told_until, now()
    from dashboard_sign_in_attempts where address = ${address} for update`;
  if (!row || row.counted < limit.attempts || !row.oldest) return undefined;
  const retryAt = new Date(row.oldest.getTime() + limit.windowMinutes * 60_000);
  const firstRefusal = row.told_until === null || row.told_until.getTime() < retryAt.getTime();
  if (firstRefusal) {
    await tx`update dashboard_sign_in_attempts set told_until = ${retryAt} where address = ${address}`;
    await recordAudit(tx, {
      actorId: null, action: 'dashboard.sign_in_limited',
      details: { address, attempts: limit.attempts, window_minutes: limit.windowMinutes, until: retryAt.toISOString() },
    });
  }
  return { allowed: false, retryAt, retryInMs: Math.max(0, retryAt.getTime() - row.now.getTime()), firstRefusal };
}

/**
 * Takes back the newest attempt of `address`: a sign-in that ended in a session does not count.
 * An admin who signs in again and again, or several admins behind one office address, never
 * lock themselves out, and an attacker cannot produce a success, so not counting them costs the
 * limit nothing. Call it in the transaction that creates the session.
 */
export async function giveBackSignInAttempt(tx: Queryable, address: string): Promise<void> {
  // Any one of the window's attempts will do: only their number and the oldest matter, and the
  // newest is the one this request added (or one added beside it, which is as good).
  await tx`
    update dashboard_sign_in_attempts set hits = hits[1:cardinality(hits) - 1]
    where address = ${address} and cardinality(hits) > 0`;
}
