import type { User } from 'grammy/types';
import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { changePoints } from '../points/changePoints.js';

/** The referrer credited for a new user. */
export interface CreditedReferrer {
  id: number;
  /** Their balance after the credit. */
  balance: number;
}

/** What {@link registerUser} did. */
export interface Registration {
  /** True for a new user; false when /start refreshed a returning one. */
  created: boolean;
  /** Set when a new user's referral code named another user, who has been credited. */
  referrer: CreditedReferrer | null;
}

/**
 * Registers the user behind /start (or refreshes a returning one's Telegram profile) and, for a
 * new user who came through a referral link, credits the referrer, atomically (in the caller's
 * transaction when given one): a crash between the two cannot leave a referred user without
 * the referrer's credit.
 *
 * `referred_by` is set in the insert itself, so it is set only when the row is created: two
 * concurrent /starts of the same new user insert once (the second waits on the primary key and
 * then takes the update branch), so the referrer is credited once. A code that names no one,
 * or the user themselves, registers the user with no referrer.
 *
 * This is `upsertUser` plus the referral; keep the profile columns the two write in step.
 */
export async function registerUser(
  sql: Queryable,
  user: User,
  referral: { code: string | null; points: number },
): Promise<Registration> {
  return atomically(sql, async (tx) => {
    const [row] = await tx<{ created: boolean; referred_by: number | null }[]>`
      insert into users (id, username, first_name, language_code, referred_by)
      values (
        ${user.id}, ${user.username ?? null}, ${user.first_name}, ${user.language_code ?? null},
        (select id from users where referral_code = ${referral.code} and id <> ${user.id})
      )
      on conflict (id) do update set
        username = excluded.username,
        first_name = excluded.first_name,
        language_code = excluded.language_code,
        updated_at = now()
      returning (xmax = 0) as created, referred_by`;
    // An insert … on conflict do update returns its row in either branch.
    if (!row) throw new Error(`registering user ${user.id} returned no row`);
    if (!row.created || row.referred_by === null || referral.points <= 0) return { created: row.created, referrer: null };
    const referrerId = row.referred_by;
    const balance = await changePoints(tx, { userId: referrerId, delta: referral.points, reason: 'referral', referredUserId: user.id });
    // null only if the referrer's row vanished since the insert read it: nobody to credit.
    return { created: true, referrer: balance === null ? null : { id: referrerId, balance } };
  });
}
