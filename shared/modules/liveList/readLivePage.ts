import type { Queryable } from '../../db/Queryable.js';

/** One user on the live list. */
export interface LiveEntry {
  username: string;
  minutesLeft: number;
}

/** One page of the live list. */
export interface LivePage {
  entries: LiveEntry[];
  /** The page shown, 0-based: the one asked for, moved back to the last page if the list shrank. */
  page: number;
  pages: number;
  total: number;
}

/**
 * A page of who is live now, newest first. A page past the end (a stale "Next" button after
 * people went off the list) gives the last page rather than an empty one.
 */
export async function readLivePage(sql: Queryable, page: number, pageSize: number): Promise<LivePage> {
  const [count] = await sql<{ total: number }[]>`
    select count(*)::int as total from live_sessions where ends_at > now()`;
  const total = count!.total;
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const shown = Math.min(Math.max(0, page), pages - 1);
  const rows = await sql<{ live_username: string; minutes_left: number }[]>`
    select live_username, ceil(extract(epoch from ends_at - now()) / 60)::int as minutes_left
    from live_sessions where ends_at > now()
    order by started_at desc, id desc
    limit ${pageSize} offset ${shown * pageSize}`;
  return {
    entries: rows.map((r) => ({ username: r.live_username, minutesLeft: r.minutes_left })),
    page: shown, pages, total,
  };
}
