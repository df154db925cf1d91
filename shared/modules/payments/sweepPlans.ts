import type { Sql } from '../../db/createSql.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { endPlan } from '../plans/endPlan.js';
import type { PlanId } from '../plans/plans.js';
import { RENEWAL_GRACE_MS } from '../plans/readUserPlan.js';
import { planNoticeJob } from './planNoticeJob.js';

/** The reminder goes this long before a plan that does not renew ends (the 3 days). */
export const REMINDER_BEFORE_MS = 3 * 86_400_000;


/**
 * The hourly plan sweep (a periodic task): reminds users whose plan ends within 3 days and will
 * not renew, and moves plans past their end to Free, each with its notice enqueued in the same
 * transaction as its mark (so a crash never loses or repeats one). A renewing subscription's
 * plan is ended only after RENEWAL_GRACE_MS (readUserPlan keeps it in force as long). Idempotent.
 */
export async function sweepPlans(sql: Sql, now: Date = new Date()): Promise<{ reminded: number; expired: number }> {
  // A plan renews when a live subscription of the same plan, not turned off, carries it.
  const renewing = sql`exists (select 1 from star_subscriptions s where s.user_id = p.user_id and s.plan = p.plan
    and s.state = 'active' and not s.canceled_by_bot and s.expires_at >= p.until)`;
  const due = await sql<{ user_id: number; plan: PlanId; until: Date }[]>`
    select p.user_id, p.plan, p.until from user_plans p
    where p.until is not null and p.until > ${now} and p.until <= ${new Date(now.getTime() + REMINDER_BEFORE_MS)}
      and p.reminded_for is distinct from p.until and not ${renewing}`;
  let reminded = 0;
  for (const row of due) {
    await sql.begin(async (tx) => {
      const marked = await tx`update user_plans set reminded_for = until where user_id = ${row.user_id} and until = ${row.until} and reminded_for is distinct from until returning user_id`;
      if (!marked.length) return;
      await enqueue(tx, planNoticeJob, { userId: Number(row.user_id), notice: 'reminder', plan: row.plan, date: row.until.toISOString() },
        { dedupeKey: `plan_notice:reminder:${row.user_id}:${row.until.getTime()}` });
      reminded++;
    });
  }
  const ended = await sql<{ user_id: number; plan: PlanId; until: Date; renews: boolean }[]>`
    select p.user_id, p.plan, p.until, ${renewing} as renews from user_plans p where p.until is not null and p.until <= ${now}`;
  let expired = 0;
  for (const row of ended) {
    if (row.renews && row.until.getTime() + RENEWAL_GRACE_MS > now.getTime()) continue;
    await sql.begin(async (tx) => {
      // Only the grant that ended: a renewal or a new grant since has moved `until` on.
      const [still] = await tx`select 1 from user_plans where user_id = ${row.user_id} and until = ${row.until} for update`;
      if (!still) return;
      const result = await endPlan(tx, { userId: Number(row.user_id), reason: 'expired', source: 'expiry', now });
      if (!result) return;
      await recordAudit(tx, { actorId: null, action: 'plan.end', subjectUserId: Number(row.user_id), details: { plan: row.plan, reason: 'expired' } });
      await enqueue(tx, planNoticeJob, { userId: Number(row.user_id), notice: 'expired', plan: row.plan },
        { dedupeKey: `plan_notice:expired:${row.user_id}:${row.until.getTime()}` });
      expired++;
    });
  }
  return { reminded, expired };
}
