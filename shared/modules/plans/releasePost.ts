import type { Queryable } from '../../db/Queryable.js';

/**
 * Gives back the unit `postId` holds (it failed for good, or was cancelled before it was
 * published). Clearing the post's mark and decrementing the count are one statement, so a
 * retry gives nothing back twice. Returns whether a unit was given back.
 */
export async function releasePost(sql: Queryable, postId: number): Promise<boolean> {
  const rows = await sql`
    with held as (
      select id, user_id, quota_period_start from posts
      where id = ${postId} and quota_period_start is not null for update
    ), cleared as (
      update posts set quota_period_start = null from held where posts.id = held.id returning posts.id
    )
    update plan_usage u set posts_used = greatest(u.posts_used - 1, 0)
    from held where u.user_id = held.user_id and u.period_start = held.quota_period_start
    returning u.user_id`;
  return rows.length > 0;
}
