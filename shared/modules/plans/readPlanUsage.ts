import type { Queryable } from '../../db/Queryable.js';
import { postsUsed } from './countPost.js';
import { readUserPlan, type UserPlan } from './readUserPlan.js';

/** What /plan shows: the plan in force and how much of each limit is in use. */
export interface PlanUsage {
  plan: UserPlan;
  postsUsed: number;
  accounts: number;
  /** Scheduled posts in the queue; posts set aside (flagged when a plan ended) are not in it. */
  queued: number;
  /** Scheduled posts set aside over the queue when a plan ended, waiting for the user's choice. */
  setAside: number;
}

export async function readPlanUsage(sql: Queryable, userId: number, now: Date = new Date()): Promise<PlanUsage> {
  const plan = await readUserPlan(sql, userId, now);
  const [counts] = await sql<{ accounts: number; queued: number; set_aside: number }[]>`
    select (select count(*)::int from instagram_accounts where user_id = ${userId}) as accounts,
           (select count(*)::int from posts where user_id = ${userId} and state in ('scheduled', 'paused', 'publishing')
             and flagged_at is null) as queued,
           (select count(*)::int from posts where user_id = ${userId} and state in ('scheduled', 'paused')
             and flagged_at is not null) as set_aside`;
  return { plan, postsUsed: await postsUsed(sql, userId, plan.period.start), accounts: counts?.accounts ?? 0, queued: counts?.queued ?? 0,
    setAside: counts?.set_aside ?? 0 };
}
