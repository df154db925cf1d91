import type { Queryable } from '../../db/Queryable.js';
import { readUserPlan, type UserPlan } from './readUserPlan.js';

export type CountPostResult =
  | { ok: true; used: number; plan: UserPlan }
  | { ok: false; used: number; plan: UserPlan };

/**
 * Takes one unit of the user's posts-per-month for `postId`, in the caller's transaction: the
 * transaction that schedules or publishes the post, so the count and the post commit together.
 * A post that already holds a unit is not counted again (a redelivered update, "Post now" after
 * scheduling). `ok: false` when the period's limit is reached; nothing is written then.
 *
 * The conditional upsert is the check: two posts racing for the last unit both lock the usage
 * row, and the second sees the first's count.
 */
export async function countPost(tx: Queryable, userId: number, postId: number, now: Date = new Date()): Promise<CountPostResult> {
  const plan = await readUserPlan(tx, userId, now);
  const [post] = await tx<{ quota_period_start: Date | null }[]>`
    select quota_period_start from posts where id = ${postId} and user_id = ${userId} for update`;
  if (!post) throw new Error(`countPost: post ${postId} of user ${userId} not found`);
  const limit = plan.limits.postsPerMonth;
  if (post.quota_period_start) return { ok: true, used: await postsUsed(tx, userId, plan.period.start), plan };
  if (limit !== null && limit <= 0) return { ok: false, used: 0, plan };
  const [row] = await tx<{ posts_used: number }[]>`
    insert into plan_usage (user_id, period_start, posts_used) values (${userId}, ${plan.period.start}, 1)
    on conflict (user_id, period_start) do update set posts_used = plan_usage.posts_used + 1
    ${limit === null ? tx`` : tx`where plan_usage.posts_used < ${limit}`}
    returning posts_used`;
  if (!row) return { ok: false, used: await postsUsed(tx, userId, plan.period.start), plan };
  await tx`update posts set quota_period_start = ${plan.period.start} where id = ${postId}`;
  return { ok: true, used: row.posts_used, plan };
}

/** Posts counted in the period starting at `periodStart`. */
export async function postsUsed(sql: Queryable, userId: number, periodStart: Date): Promise<number> {
  const [row] = await sql<{ posts_used: number }[]>`
    select posts_used from plan_usage where user_id = ${userId} and period_start = ${periodStart}`;
  return row?.posts_used ?? 0;
}
