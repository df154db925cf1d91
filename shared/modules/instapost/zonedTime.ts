/** A wall-clock time in some zone. Months 1–12; weekday ISO 1 (Monday) – 7 (Sunday). */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

const partsFormats = new Map<string, Intl.DateTimeFormat>();
function partsFormat(zone: string): Intl.DateTimeFormat {
  let f = partsFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short',
    });
    partsFormats.set(zone, f);
  }
  return f;
}

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

/** Whether `zone` is an IANA time zone this runtime knows. */
export function isTimeZone(zone: string): boolean {
  try {
    partsFormat(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall clock in `zone` at `instant`, with its ISO weekday. */
export function toZoned(instant: Date, zone: string): LocalDateTime & { weekday: number } {
  const parts = Object.fromEntries(partsFormat(zone).formatToParts(instant).map((p) => [p.type, p.value]));
  return {
    year: Number(parts.year), month: Number(parts.month), day: Number(parts.day), hour: Number(parts.hour), minute: Number(parts.minute),
    weekday: WEEKDAYS[parts.weekday ?? ''] ?? 0,
  };
}

/**
 * The instant a wall-clock time in `zone` names. Daylight saving makes some local times happen
 * twice (the autumn hour: the first is taken) and some never (the spring gap: moved forward by
 * the gap, as a clock would read after it), so a 09:00 slot stays 09:00 on both sides of a change.
 */
export function fromZoned(local: LocalDateTime, zone: string): Date {
  const wanted = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute);
  const offsetAt = (t: number) => {
    const z = toZoned(new Date(t), zone);
    return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute) - Math.floor(t / 60_000) * 60_000;
  };
  // The zone's offsets around that time (a change is never closer than a day to another);
  // each offset that maps back to the wanted wall clock names a real instant.
  const offsets = [...new Set([wanted - 86_400_000, wanted, wanted + 86_400_000].map(offsetAt))];
  const candidates = offsets.map((o) => wanted - o).filter((t) => {
    const z = toZoned(new Date(t), zone);
    return Date.UTC(z.year, z.month - 1, z.day, z.hour, z.minute) === wanted;
  });
  if (candidates.length) return new Date(Math.min(...candidates));
  // In the gap: the earlier offset applied, which a clock after the change reads as gap + hour
  // (02:30 on a spring-forward night becomes 03:30).
  return new Date(wanted - Math.min(...offsets));
}

/** `YYYY-MM-DD HH:MM` as typed (also `T` between, one-digit hour); undefined if it is not one or no such date. */
export function parseLocalDateTime(text: string): LocalDateTime | undefined {
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})[ T]+(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59) return undefined;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCDate() !== day) return undefined;
  return { year, month, day, hour, minute };
}

/** A date as the user reads it: their zone, their language's format, the zone named. */
export function formatInZone(instant: Date, zone: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { timeZone: zone, dateStyle: 'medium', timeStyle: 'short' }).format(instant) + ` (${zone})`;
}

/** "in 2 hours", "через 2 часа": for dates within a day; otherwise undefined. */
export function relativeTime(instant: Date, locale: string, now = Date.now()): string | undefined {
  const minutes = Math.round((instant.getTime() - now) / 60_000);
  if (Math.abs(minutes) >= 24 * 60) return undefined;
  const format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto' });
  return Math.abs(minutes) < 60 ? format.format(minutes, 'minute') : format.format(Math.round(minutes / 60), 'hour');
}

/** {@link formatInZone}, preceded by the relative form when it is near. */
export function describeTime(instant: Date, zone: string, locale: string, now = Date.now()): string {
  const near = relativeTime(instant, locale, now);
  return near ? `${near}, ${formatInZone(instant, zone, locale)}` : formatInZone(instant, zone, locale);
}
