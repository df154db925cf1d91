import type { Sql } from '../../db/createSql.js';
import { enqueue } from '../../queue/enqueue.js';
import { expireLapsedPlans } from '../plans/expireLapsedPlans.js';
import type { PlanId } from '../plans/plans.js';
import { renewsSql } from '../plans/readUserPlan.js';
import { planNoticeJob } from '../plans/planNoticeJob.js';

/** The reminder goes this long before a plan that does not renew ends (the 3 days). */
export const REMINDER_BEFORE_MS = 3 * 86_400_000;


/**
 * The hourly plan sweep (a periodic task): reminds users whose plan ends within 3 days and will
 * not renew, and moves plans past their end to Free (expireLapsedPlans, the rule the publish job
 * also applies before it claims a post), each with its notice enqueued in the same transaction
 * as its mark (so a crash never loses or repeats one). Idempotent.
 */
export async function sweepPlans(sql: Sql, now: Date = new Date()): Promise<{ reminded: number; expired: number }> {
  const due = await sql<{ user_id: number; plan: PlanId; until: Date }[]>`
    select p.user_id, p.plan, p.until from user_plans p
    where p.until is not null and p.until > ${now} and p.until <= ${new Date(now.getTime() + REMINDER_BEFORE_MS)}
      and p.reminded_for is distinct from p.until and not ${renewsSql(sql)}`;
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
  const expired = await expireLapsedPlans(sql, now);
  return { reminded, expired };
}
