import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { endPlan } from './endPlan.js';
import { planNoticeJob } from './planNoticeJob.js';
import type { PlanId } from './plans.js';
import { RENEWAL_GRACE_MS, renewsSql } from './readUserPlan.js';

/** Which lapsed plans to end: every one (the sweep), one user's, or the owner's of one post (the publish job). */
export type LapsedScope = { userId: number } | { postId: number } | 'all';

/**
 * Ends the plans past their end at `now`: the expiry, with its set-aside posts (endPlan →
 * flagPostsOverQueue: the earliest-due posts that fit Free's queue stay), its audit record and
 * the user's notice, each plan in its own transaction. The one rule for a plan's expiry, applied
 * by both the hourly sweep (sweepPlans) and the publish job before it claims a post
 * (publishPost), so a post due between the plan's end and the next sweep is set aside by the
 * same rule, instead of published. Whichever comes first ends the plan; the other finds no
 * `user_plans` row left and does nothing, and the notice's dedupe key is the same either way,
 * so the user is told once and the same posts are set aside.
 *
 * A renewing Star subscription's plan is ended only after RENEWAL_GRACE_MS past its `until`
 * (readUserPlan keeps it in force as long: its renewal's payment is on the way). Idempotent.
 * Returns how many plans it ended.
 */
export async function expireLapsedPlans(sql: Queryable, now: Date, scope: LapsedScope = 'all'): Promise<number> {
  const which = scope === 'all' ? sql``
    : 'userId' in scope ? sql`and p.user_id = ${scope.userId}`
    : sql`and p.user_id = (select user_id from posts where id = ${scope.postId})`;
  const lapsed = (q: Queryable) => q`p.until is not null and p.until <= ${now}
    and not (p.until > ${new Date(now.getTime() - RENEWAL_GRACE_MS)} and ${renewsSql(q)})`;
  const users = await sql<{ user_id: number }[]>`select p.user_id from user_plans p where ${lapsed(sql)} ${which}`;
  let expired = 0;
  for (const { user_id: userId } of users) {
    const ended = await atomically(sql, async (tx) => {
      // The user's row first, as grantPlan and flagPostsOverQueue take it: a payment granted at
      // the same moment waits for the end (or the end for it), never a deadlock between them.
      await tx`select id from users where id = ${userId} for update`;
      // Still lapsed, under the locks: a renewal or a new grant since has moved `until` on, and a
      // sweep or another publish job that ended it first has deleted the row.
      const [row] = await tx<{ plan: PlanId; until: Date }[]>`select p.plan, p.until from user_plans p where p.user_id = ${userId} and ${lapsed(tx)} for update`;
      if (!row) return false;
      const result = await endPlan(tx, { userId: Number(userId), reason: 'expired', source: 'expiry', now });
      if (!result) return false;
      await recordAudit(tx, { actorId: null, action: 'plan.end', subjectUserId: Number(userId), details: { plan: row.plan, reason: 'expired' } });
      await enqueue(tx, planNoticeJob, { userId: Number(userId), notice: 'expired', plan: row.plan },
        { dedupeKey: `plan_notice:expired:${userId}:${row.until.getTime()}` });
      return true;
    });
    if (ended) expired++;
  }
  return expired;
}
