import type { Queryable } from '../../db/Queryable.js';
import { readUserPlan } from './readUserPlan.js';

/**
 * Sets aside ("flags") the user's scheduled posts beyond the queue of the plan in force at
 * `now`, in the caller's transaction: the transaction that ended or changed the plan, so the
 * plan and the flags commit together. The earliest-due posts that fit stay; posts already
 * publishing count first (they cannot be stopped) and are never flagged. Posts flagged earlier
 * stay flagged and do not count. Returns the ids flagged (none when everything fits).
 *
 * Nothing else changes on the post: its publish job, if it comes, finds the flag in its claim
 * and does nothing (publishPost.ts), and keeping it schedules it again (keepFlaggedPosts.ts).
 * The user's row lock orders this with the user's own scheduling and keeping, so the queue is
 * counted once per change.
 */
export async function flagPostsOverQueue(tx: Queryable, userId: number, now: Date = new Date()): Promise<number[]> {
  const plan = await readUserPlan(tx, userId, now);
  const limit = plan.limits.queueSize;
  if (limit === null) return [];
  await tx`select id from users where id = ${userId} for update`;
  // The update re-checks the state on the row it locks: a post the publish job claimed meanwhile
  // ('publishing') is left alone.
  const rows = await tx<{ id: number }[]>`
    with queue as (
      select id, row_number() over (order by state = 'publishing' desc, scheduled_at, id) as place
      from posts where user_id = ${userId} and state in ('scheduled', 'paused', 'publishing') and flagged_at is null
    )
    update posts p set flagged_at = ${now}, updated_at = now()
    from queue where p.id = queue.id and queue.place > ${limit} and p.state in ('scheduled', 'paused') and p.flagged_at is null
    returning p.id`;
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}
