import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { releasePost } from '../plans/releasePost.js';
import { nextFreeSlot } from './nextFreeSlot.js';
import { schedulePost } from './posts.js';
import { readUserTimeZone } from './userTimeZone.js';

// Posts set aside over the plan's queue when a plan ended (posts.flagged_at, set by the plans
// area's flagPostsOverQueue): keeping them, deleting them, setting one aside to make room.
// Each function re-reads the rows it acts on under the user's row lock, so a button pressed
// twice, or pressed after the posts moved on, finds them as they are now and does nothing more.

/** A post brought back into the queue: when it now goes out, and whether that moved (its time had passed). */
export interface KeptPost {
  id: number;
  at: Date | null;
  moved: boolean;
}

export type KeepResult =
  | { status: 'kept'; kept: KeptPost[]; flaggedLeft: number }
  /** The queue has no room: nothing was kept. */
  | { status: 'full'; limit: number; flaggedLeft: number }
  /** Nothing (that post) is set aside: kept or deleted already. */
  | { status: 'none' };

/**
 * Brings set-aside posts back into the queue as far as the plan's queue has room: `postId`
 * alone, or the earliest-due ones that fit ('fit': the Keep button, and a grant of a bigger
 * plan). A kept post is scheduled again for its own time, with a new version and publish job;
 * one whose time passed while it was set aside goes to the user's next free posting slot (now
 * when they have none), as told. A paused post (its user is banned) is only unflagged: the
 * unban schedules it. In the caller's transaction when given one.
 */
export async function keepFlaggedPosts(sql: Queryable, userId: number, which: 'fit' | { postId: number }, now: Date = new Date()): Promise<KeepResult> {
  return atomically(sql, async (tx) => {
    await tx`select id from users where id = ${userId} for update`;
    const candidates = await tx<{ id: number; state: 'scheduled' | 'paused'; scheduled_at: Date | null }[]>`
      select id, state, scheduled_at from posts
      where user_id = ${userId} and flagged_at is not null and state in ('scheduled', 'paused')
        ${which === 'fit' ? tx`` : tx`and id = ${which.postId}`}
      order by scheduled_at, id for update`;
    if (!candidates.length) return { status: 'none' as const };
    const plan = await readUserPlan(tx, userId, now);
    const limit = plan.limits.queueSize;
    const [{ queued } = { queued: 0 }] = await tx<{ queued: number }[]>`
      select count(*)::int as queued from posts
      where user_id = ${userId} and state in ('scheduled', 'paused', 'publishing') and flagged_at is null`;
    const room = limit === null ? candidates.length : Math.max(0, limit - queued);
    if (room === 0) return { status: 'full' as const, limit: limit!, flaggedLeft: await countFlagged(tx, userId) };
    const zone = (await readUserTimeZone(tx, userId)) ?? 'UTC';
    const kept: KeptPost[] = [];
    for (const post of candidates.slice(0, room)) {
      await tx`update posts set flagged_at = null, updated_at = now() where id = ${post.id}`;
      if (post.state === 'paused' || post.scheduled_at === null) {
        kept.push({ id: Number(post.id), at: post.scheduled_at, moved: false });
        continue;
      }
      // Its time passed while it was set aside: the next free slot (each kept post takes the
      // one after the last, since the scheduling below is seen by the next call), or now.
      const passed = post.scheduled_at.getTime() <= now.getTime() + 60_000;
      const at = passed ? (await nextFreeSlot(tx, userId, zone, now)) ?? now : post.scheduled_at;
      const scheduled = await schedulePost(tx, userId, Number(post.id), at);
      if (scheduled.status !== 'scheduled') throw new Error(`keepFlaggedPosts: post ${post.id} could not be scheduled (${scheduled.status})`);
      kept.push({ id: Number(post.id), at, moved: passed });
    }
    return { status: 'kept' as const, kept, flaggedLeft: await countFlagged(tx, userId) };
  });
}

/**
 * Deletes (cancels) every set-aside post of the user, giving back their units of posts per
 * month. Returns how many; 0 when there were none (a second press).
 */
export async function deleteFlaggedPosts(sql: Queryable, userId: number): Promise<number> {
  return atomically(sql, async (tx) => {
    const rows = await tx<{ id: number }[]>`
      update posts set state = 'cancelled', version = version + 1, updated_at = now()
      where user_id = ${userId} and flagged_at is not null and state in ('scheduled', 'paused') returning id`;
    for (const row of rows) await releasePost(tx, Number(row.id));
    return rows.length;
  });
}

/**
 * Sets one queued post aside to make room for a set-aside one the user prefers (the swap /queue
 * offers while some are set aside). Its publish job then finds the flag and does nothing.
 * False when it is not a scheduled post of theirs in the queue (already aside, publishing, gone).
 */
export async function setPostAside(sql: Queryable, userId: number, postId: number, now: Date = new Date()): Promise<boolean> {
  const rows = await sql`
    update posts set flagged_at = ${now}, updated_at = now()
    where id = ${postId} and user_id = ${userId} and state in ('scheduled', 'paused') and flagged_at is null returning id`;
  return rows.length > 0;
}

/** How many of the user's posts are set aside. */
export async function countFlagged(sql: Queryable, userId: number): Promise<number> {
  const [row] = await sql<{ n: number }[]>`
    select count(*)::int as n from posts where user_id = ${userId} and flagged_at is not null and state in ('scheduled', 'paused')`;
  return row?.n ?? 0;
}
