import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { flagPostsOverQueue } from './flagPostsOverQueue.js';
import type { PlanId } from './plans.js';
import { readUserPlan, type UserPlan } from './readUserPlan.js';

export interface PlanGrant {
  userId: number;
  /** Any plan but Free (ending a plan is {@link endPlan}). */
  plan: Exclude<PlanId, 'free'>;
  /** When it ends; null: no end. */
  until: Date | null;
  /** Why: 'payment', 'friends_family', 'admin', 'reconciliation'… (lower case, `_`). */
  source: string;
  /** The admin who granted it (Telegram id). */
  actorId?: number | null;
  /** Shown to admins (the F&F note: "Brother"). Kept from the previous grant when omitted. */
  note?: string | null;
  /** Recorded in plan_changes beside the change. */
  reason?: string;
  /** The time of the grant (tests); default now. */
  now?: Date;
}

/**
 * Gives `userId` a plan until `until`, replacing the one in force, and records the change in
 * plan_changes, atomically (in the caller's transaction when given one). The billing period
 * keeps its anchor when the same plan is extended (a renewal), and starts anew otherwise.
 * The user must exist. A plan with a smaller queue than the one it replaces sets aside the
 * posts beyond it, as an end does (flagPostsOverQueue); a bigger one leaves posts set aside
 * earlier for the caller to bring back (keepFlaggedPosts, InstaPost's). Returns the plan now in force.
 */
export async function grantPlan(sql: Queryable, grant: PlanGrant): Promise<UserPlan> {
  const now = grant.now ?? new Date();
  return atomically(sql, async (tx) => {
    // The row lock orders concurrent grants for one user (a renewal racing an admin's grant).
    await tx`select id from users where id = ${grant.userId} for update`;
    const before = await readUserPlan(tx, grant.userId, now);
    const keepAnchor = before.plan === grant.plan;
    await tx`
      insert into user_plans (user_id, plan, source, until, period_anchor, actor_id, note, granted_at, updated_at)
      values (${grant.userId}, ${grant.plan}, ${grant.source}, ${grant.until}, ${now}, ${grant.actorId ?? null},
              ${grant.note ?? null}, ${now}, ${now})
      on conflict (user_id) do update set
        plan = excluded.plan, source = excluded.source, until = excluded.until,
        period_anchor = case when ${keepAnchor} then user_plans.period_anchor else excluded.period_anchor end,
        actor_id = excluded.actor_id,
        note = case when ${grant.note === undefined} then user_plans.note else excluded.note end,
        granted_at = case when ${keepAnchor} then user_plans.granted_at else excluded.granted_at end,
        updated_at = excluded.updated_at`;
    await tx`
      insert into plan_changes (user_id, plan, previous_plan, until, source, actor_id, reason, created_at)
      values (${grant.userId}, ${grant.plan}, ${before.plan}, ${grant.until}, ${grant.source}, ${grant.actorId ?? null},
              ${grant.reason ?? null}, ${now})`;
    await flagPostsOverQueue(tx, grant.userId, now);
    return readUserPlan(tx, grant.userId, now);
  });
}
