import type { Queryable } from '../../db/Queryable.js';
import type { WeeklySlot } from './nextFreeSlot.js';

const DAYS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7, пн: 1, вт: 2, ср: 3, чт: 4, пт: 5, сб: 6, вс: 7 };

/**
 * Weekly slots as typed, one group per line: days then times, e.g. `Mon-Fri 09:00 18:00`,
 * `Sat,Sun 11:30`, `daily 20:00` (Russian day names too). Undefined when a line is not one.
 */
export function parseSlots(text: string): WeeklySlot[] | undefined {
  const slots = new Map<string, WeeklySlot>();
  const lines = text.split('\n').map((l) => l.trim().toLowerCase()).filter(Boolean);
  if (lines.length === 0) return undefined;
  for (const line of lines) {
    const [daysPart, ...times] = line.split(/\s+/);
    if (!daysPart || times.length === 0) return undefined;
    const days = new Set<number>();
    for (const piece of daysPart.split(',')) {
      if (piece === 'daily' || piece === 'ежедневно') [1, 2, 3, 4, 5, 6, 7].forEach((d) => days.add(d));
      else if (piece.includes('-')) {
        const [from, to] = piece.split('-').map((d) => DAYS[d]);
        if (!from || !to || from > to) return undefined;
        for (let d = from; d <= to; d++) days.add(d);
      } else if (DAYS[piece]) days.add(DAYS[piece]);
      else return undefined;
    }
    for (const time of times) {
      const m = /^(\d{1,2}):(\d{2})$/.exec(time);
      if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return undefined;
      const minute = Number(m[1]) * 60 + Number(m[2]);
      for (const weekday of days) slots.set(`${weekday}:${minute}`, { weekday, minute });
    }
  }
  return [...slots.values()].sort((a, b) => a.weekday - b.weekday || a.minute - b.minute);
}

/** Replaces the user's weekly slots (two idempotent statements: safe to run again). */
export async function replaceSlots(sql: Queryable, userId: number, slots: readonly WeeklySlot[]): Promise<void> {
  const keys = slots.map((s) => s.weekday * 10_000 + s.minute);
  await sql`delete from posting_slots where user_id = ${userId} and not (weekday * 10000 + local_minute = any(${keys}::int[]))`;
  if (slots.length === 0) return;
  await sql`
    insert into posting_slots (user_id, weekday, local_minute)
    select ${userId}, w, m from unnest(${slots.map((s) => s.weekday)}::smallint[], ${slots.map((s) => s.minute)}::smallint[]) as t(w, m)
    on conflict do nothing`;
}
