import type { Queryable } from '../../db/Queryable.js';
import { enqueueReminders } from './posts.js';

/** The reminder choices /settings offers, in minutes before a post; 0 turns reminders off. */
export const REMINDER_CHOICES = [0, 5, 15, 30, 60] as const;

/** How many minutes before a post the user is reminded (0: never); undefined if not registered. */
export async function readReminderMinutes(sql: Queryable, userId: number): Promise<number | undefined> {
  const [row] = await sql<{ minutes: number }[]>`select notify_before_minutes as minutes from users where id = ${userId}`;
  return row?.minutes;
}

/**
 * Saves the reminder setting and applies it to the posts already scheduled and not yet reminded:
 * each gets a reminder at the new time (reminders made for the old setting then find it changed
 * and do nothing), so a change, or turning reminders off, counts for every post, not only new
 * ones. A post with less time left than the new setting asks for is reminded at once, if it is
 * more than a minute away (REMINDER_MIN_LEAD_MS): its old reminder no longer counts, and waiting
 * for it would remind later than the user asked. A post already reminded is not reminded again
 * (its reminded_at), and none is reminded twice: every reminder job claims reminded_at before it
 * sends (remindPost.ts). A post set aside over the plan's queue gets none (it is not published
 * until kept, and keeping it schedules it anew). False if the user is not registered.
 */
export async function saveReminderMinutes(sql: Queryable, userId: number, minutes: number): Promise<boolean> {
  const rows = await sql`update users set notify_before_minutes = ${minutes}, updated_at = now() where id = ${userId} returning id`;
  if (rows.length === 0) return false;
  const scheduled = await sql<{ id: number; version: number; scheduled_at: Date }[]>`
    select id, version, scheduled_at from posts
    where user_id = ${userId} and state = 'scheduled' and reminded_at is null and flagged_at is null and scheduled_at is not null`;
  await enqueueReminders(sql, scheduled, minutes, { late: 'now' });
  return true;
}
