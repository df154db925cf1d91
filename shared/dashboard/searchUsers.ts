import type { Queryable } from '../db/Queryable.js';

/** A user as the Users page lists them. */
export interface UserListRow {
  id: number;
  username: string | null;
  first_name: string | null;
  created_at: Date;
  last_active_on: string | null;
  points: number;
  unlimited_points: boolean;
  is_admin: boolean;
  referrals: number;
  referred_by: number | null;
  instagram_accounts: number;
  unreachable_since: Date | null;
  /** The plan in force (user_plans, Free when none or past its end) and its end. */
  plan: string;
  plan_until: Date | null;
  banned_at: Date | null;
  ban_reason: string | null;
}

const likeText = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Users matching `query`: an id (exact), an @username (exact, case-insensitive), or a part of
 * the name or username. Empty: the newest users. Newest first, up to `limit`.
 */
export async function searchUsers(sql: Queryable, query: string, limit: number): Promise<UserListRow[]> {
  const q = query.trim();
  const where = !q ? sql`true`
    : /^\d{1,16}$/.test(q) ? sql`u.id = ${Number(q)}`
      : q.startsWith('@') ? sql`lower(u.username) = lower(${q.slice(1)})`
        : sql`(u.first_name ilike ${likeText(q)} or u.username ilike ${likeText(q)})`;
  return [...await sql<UserListRow[]>`
    select u.id, u.username, u.first_name, u.created_at, to_char(u.last_active_on, 'YYYY-MM-DD') as last_active_on, u.points, u.unlimited_points, u.is_admin,
      (select count(*) from users r where r.referred_by = u.id)::int as referrals, u.referred_by,
      (select count(*) from instagram_accounts a where a.user_id = u.id)::int as instagram_accounts,
      u.unreachable_since, coalesce(p.plan, 'free') as plan, p.until as plan_until, u.banned_at, u.ban_reason
    from users u left join user_plans p on p.user_id = u.id and (p.until is null or p.until > now())
    where ${where} order by u.created_at desc, u.id desc limit ${limit}`];
}
