import type { Queryable } from '../../db/Queryable.js';
import { schedulePost } from './posts.js';

/**
 * Pauses a user's scheduled posts (they were banned): each becomes `paused` with a new version,
 * so the publish and reminder jobs already queued for it find a stale version and do nothing.
 * A post already `publishing` is left to finish: its call to Instagram may be under way, and
 * stopping it halfway could publish it without the bot knowing. Returns how many were paused.
 */
export async function pauseUserPosts(sql: Queryable, userId: number): Promise<number> {
  const rows = await sql`
    update posts set state = 'paused', version = version + 1, updated_at = now()
    where user_id = ${userId} and state = 'scheduled' returning id`;
  return rows.length;
}

/**
 * Schedules a user's paused posts again (they were unbanned), each at its own time, or now when
 * that passed during the ban, with new publish (and reminder) jobs; one set aside when a plan
 * ended stays set aside (scheduled, flagged, no job). Returns how many.
 */
export async function resumeUserPosts(sql: Queryable, userId: number): Promise<number> {
  const paused = await sql<{ id: number; scheduled_at: Date | null; flagged: boolean }[]>`
    update posts set state = 'scheduled', updated_at = now()
    where user_id = ${userId} and state = 'paused' returning id, scheduled_at, flagged_at is not null as flagged`;
  const now = Date.now();
  // A post set aside over the plan's queue comes back set aside: it waits for the user to keep it.
  for (const post of paused.filter((p) => !p.flagged).sort((a, b) => a.id - b.id)) {
    const at = post.scheduled_at && post.scheduled_at.getTime() > now ? post.scheduled_at : new Date(now);
    await schedulePost(sql, userId, post.id, at);
  }
  return paused.length;
}
