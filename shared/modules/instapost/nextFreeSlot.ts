import type { Queryable } from '../../db/Queryable.js';
import { fromZoned, toZoned } from './zonedTime.js';

/** A weekly slot: ISO weekday and minutes after local midnight. */
export interface WeeklySlot {
  weekday: number;
  minute: number;
}

/**
 * The instants of weekly slots in `zone` from `after` on, soonest first, for `days` days. Each is
 * computed from the local date and time with the zone's rules of that day, so 09:00 stays 09:00
 * local across a daylight-saving change (its UTC time moves instead).
 */
export function slotInstants(slots: readonly WeeklySlot[], zone: string, after: Date, days = 15): Date[] {
  const start = toZoned(after, zone);
  const out: Date[] = [];
  for (let d = 0; d < days; d++) {
    // Calendar arithmetic on the local date (UTC here only as a calendar).
    const date = new Date(Date.UTC(start.year, start.month - 1, start.day + d));
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    for (const slot of slots) {
      if (slot.weekday !== weekday) continue;
      const at = fromZoned({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate(),
        hour: Math.floor(slot.minute / 60), minute: slot.minute % 60 }, zone);
      if (at > after) out.push(at);
    }
  }
  return out.sort((a, b) => a.getTime() - b.getTime());
}

/** The user's weekly slots. */
export async function readSlots(sql: Queryable, userId: number): Promise<WeeklySlot[]> {
  return sql<WeeklySlot[]>`select weekday, local_minute as minute from posting_slots where user_id = ${userId} order by weekday, local_minute`;
}

/**
 * "Add to queue": the user's next slot (in their zone) that no scheduled post of theirs takes,
 * at least a minute ahead. Undefined when they have no slots.
 */
export async function nextFreeSlot(sql: Queryable, userId: number, zone: string, now = new Date()): Promise<Date | undefined> {
  return (await nextFreeSlots(sql, userId, zone, 1, now))[0];
}

/**
 * The user's next `count` free slots, soonest first (a bulk upload's posts take them one after
 * another). Fewer only when they have no slots. The horizon grows with what is asked and what
 * is taken, so 50 posts on one slot a week still find their 50 weeks.
 */
export async function nextFreeSlots(sql: Queryable, userId: number, zone: string, count: number, now = new Date()): Promise<Date[]> {
  const slots = await readSlots(sql, userId);
  if (slots.length === 0 || count <= 0) return [];
  const taken = new Set((await sql<{ at: Date }[]>`
    select scheduled_at as at from posts where user_id = ${userId} and state in ('scheduled', 'publishing') and scheduled_at > ${now}`)
    .map((r) => r.at.getTime()));
  // Every week offers slots.length instants; one more week covers the partial first one, and a
  // day of margin a daylight-saving change.
  const days = 8 + 7 * Math.ceil((count + taken.size) / slots.length);
  return slotInstants(slots, zone, new Date(now.getTime() + 60_000), days).filter((at) => !taken.has(at.getTime())).slice(0, count);
}
