import type { Queryable } from '../../db/Queryable.js';

/** Why a balance changed: the ledger's `reason`. */
export type PointsReason = 'daily' | 'referral' | 'golive';

/** One change of a user's points. */
export interface PointsChange {
  userId: number;
  /** Positive to credit, negative to spend. */
  delta: number;
  reason: PointsReason;
  /** For `referral`: the user who joined through the link. */
  referredUserId?: number;
}

/**
 * Applies a change and records it in the ledger, in one statement. Returns the new balance, or
 * `null` when the user does not exist or a spend exceeds the balance (nothing is written).
 *
 * The balance check sits in the update's WHERE: concurrent spends queue on the row lock, and
 * each re-evaluates `points + delta >= 0` against the balance the previous one left, so two
 * spends of the last 10 points cannot both succeed. The check constraint backs it up.
 */
export async function changePoints(sql: Queryable, change: PointsChange): Promise<number | null> {
  const [row] = await sql<{ balance_after: number }[]>`
    with changed as (
      update users set points = points + ${change.delta}, updated_at = now()
      where id = ${change.userId} and points + ${change.delta} >= 0
      returning id, points
    )
    insert into points_ledger (user_id, delta, reason, balance_after, referred_user_id)
    select id, ${change.delta}, ${change.reason}, points, ${change.referredUserId ?? null} from changed
    returning balance_after`;
  return row?.balance_after ?? null;
}
