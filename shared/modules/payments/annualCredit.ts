import type { Queryable } from '../../db/Queryable.js';
import type { UserPlan } from '../plans/readUserPlan.js';

/**
 * What is left of the user's current paid plan, in Stars, for an annual upgrade: the last
 * charge's amount times the share of its period still unused (rounded down). 0 unless the plan
 * in force came from a payment. The user is told this before paying; the invoice records it.
 */
export async function annualCredit(sql: Queryable, userId: number, plan: UserPlan, now: Date = new Date()): Promise<number> {
  if (plan.source !== 'payment' || plan.until === null || plan.until <= now) return 0;
  const [last] = await sql<{ amount: number; created_at: Date; paid_until: Date }[]>`
    select amount, created_at, paid_until from star_payments
    where user_id = ${userId} and refunded_at is null and paid_until > ${now} and plan = ${plan.plan}
    order by created_at desc limit 1`;
  if (!last) return 0;
  const period = last.paid_until.getTime() - last.created_at.getTime();
  if (period <= 0) return 0;
  const left = Math.min(plan.until.getTime(), last.paid_until.getTime()) - now.getTime();
  return Math.max(0, Math.min(last.amount, Math.floor((last.amount * left) / period)));
}
