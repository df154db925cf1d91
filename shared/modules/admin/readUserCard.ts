import type { Queryable } from '../../db/Queryable.js';
import { readAuditLog, type AuditRow } from '../audit/readAuditLog.js';
import { readUserPlan, type UserPlan } from '../plans/readUserPlan.js';

/** One user as /admin_users shows them. */
export interface UserCard {
  id: number;
  username: string | null;
  firstName: string;
  languageCode: string | null;
  locale: string | null;
  createdAt: Date;
  lastActiveOn: Date | null;
  points: number;
  bannedAt: Date | null;
  bannedBy: number | null;
  banReason: string | null;
  unreachableSince: Date | null;
  isAdmin: boolean;
  accounts: number;
  published: number;
  failed: number;
  scheduled: number;
  /** Star payments not refunded, and their Stars; refunded ones apart. */
  payments: number;
  stars: number;
  refunds: number;
  plan: UserPlan;
  history: AuditRow[];
}

/** Everything an admin sees about a user; null if they never used the bot. */
export async function readUserCard(sql: Queryable, userId: number): Promise<UserCard | null> {
  const [row] = await sql<Omit<UserCard, 'plan' | 'history'>[]>`
    select u.id, u.username, u.first_name as "firstName", u.language_code as "languageCode", u.locale,
      u.created_at as "createdAt", u.last_active_on as "lastActiveOn", u.points, u.banned_at as "bannedAt",
      u.banned_by as "bannedBy", u.ban_reason as "banReason", u.unreachable_since as "unreachableSince", u.is_admin as "isAdmin",
      (select count(*)::int from instagram_accounts a where a.user_id = u.id) as accounts,
      (select count(*)::int from posts p where p.user_id = u.id and p.state = 'published') as published,
      (select count(*)::int from posts p where p.user_id = u.id and p.state = 'failed') as failed,
      (select count(*)::int from posts p where p.user_id = u.id and p.state in ('scheduled', 'paused')) as scheduled,
      (select count(*)::int from star_payments s where s.user_id = u.id and s.refunded_at is null) as payments,
      (select coalesce(sum(amount), 0)::int from star_payments s where s.user_id = u.id and s.refunded_at is null) as stars,
      (select count(*)::int from star_payments s where s.user_id = u.id and s.refunded_at is not null) as refunds
    from users u where u.id = ${userId}`;
  if (!row) return null;
  return { ...row, plan: await readUserPlan(sql, userId), history: await readAuditLog(sql, userId, 5) };
}
