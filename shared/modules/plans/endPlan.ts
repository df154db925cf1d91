import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { flagPostsOverQueue } from './flagPostsOverQueue.js';
import type { PlanId } from './plans.js';

export interface PlanEnd {
  userId: number;
  /** Why: 'expired', 'refunded', 'friends_family_removed', 'admin'… recorded in plan_changes. */
  reason: string;
  /** Who ended it: 'expiry', 'refund', 'admin', 'friends_family'… Default 'admin' when an actor is given, else 'system'. */
  source?: string;
  actorId?: number | null;
  /**
   * End it only while this plan is the one in force, so a refund of an old Pro payment does
   * not end the Friends & Family grant made since.
   */
  onlyPlan?: PlanId;
  now?: Date;
}

/**
 * Ends `userId`'s plan: they are on Free from now, and plan_changes records it (atomically, in
 * the caller's transaction when given one). The scheduled posts beyond Free's queue are set
 * aside in the same transaction (flagPostsOverQueue): they stay, unpublished, until the user
 * chooses. Every way onto Free (expiry, refund, Friends & Family removal) comes through here.
 * Returns the plan that ended and the posts set aside, or undefined when there was none to end
 * (already Free, or `onlyPlan` is not the one in force): safe to repeat.
 */
export async function endPlan(sql: Queryable, end: PlanEnd): Promise<{ ended: PlanId; flagged: number[] } | undefined> {
  const now = end.now ?? new Date();
  return atomically(sql, async (tx) => {
    const [row] = await tx<{ plan: PlanId; until: Date | null }[]>`
      delete from user_plans where user_id = ${end.userId} ${end.onlyPlan ? tx`and plan = ${end.onlyPlan}` : tx``}
      returning plan, until`;
    if (!row) return undefined;
    await tx`
      insert into plan_changes (user_id, plan, previous_plan, until, source, actor_id, reason, created_at)
      values (${end.userId}, 'free', ${row.plan}, null, ${end.source ?? (end.actorId ? 'admin' : 'system')},
              ${end.actorId ?? null}, ${end.reason}, ${now})`;
    return { ended: row.plan, flagged: await flagPostsOverQueue(tx, end.userId, now) };
  });
}
