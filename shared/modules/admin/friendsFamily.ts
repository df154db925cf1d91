import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { endPlan } from '../plans/endPlan.js';
import { keepFlaggedPosts } from '../instapost/keepFlaggedPosts.js';
import { grantPlan } from '../plans/grantPlan.js';
import { readUserPlan, type UserPlan } from '../plans/readUserPlan.js';
import { stopRenewals } from './stopRenewals.js';
import { userNoticeJob } from './userNoticeJob.js';

/** The longest F&F note (user_plans.note's check). */
export const MAX_NOTE_LENGTH = 200;

/** A Friends & Family member as the list and its export show them. */
export interface FriendsFamilyMember {
  id: number;
  username: string | null;
  firstName: string;
  note: string | null;
  grantedAt: Date;
  grantedBy: number | null;
  /** Posts published since the start of this calendar month (UTC). */
  postsThisMonth: number;
}

/**
 * Every Friends & Family member, longest-standing first. "Posts this month" counts the posts
 * published since the first of the month (UTC): what an admin reading the seed's list expects,
 * whatever the member's billing period (their plan counts none against a limit anyway).
 */
export async function listFriendsFamily(sql: Queryable): Promise<FriendsFamilyMember[]> {
  return sql<FriendsFamilyMember[]>`
    select u.id, u.username, u.first_name as "firstName", p.note, p.granted_at as "grantedAt", p.actor_id as "grantedBy",
      (select count(*)::int from posts s where s.user_id = u.id and s.state = 'published'
        and s.published_at >= date_trunc('month', now() at time zone 'UTC') at time zone 'UTC') as "postsThisMonth"
    from user_plans p join users u on u.id = p.user_id
    where p.plan = 'friends_family' and (p.until is null or p.until > now())
    order by p.granted_at, u.id`;
}

/**
 * Grants Friends & Family (Business features, no end) with the admin's note, in one
 * transaction with its audit record, the user's notice and the end of any Star subscription's
 * renewal. 'already' when they are a member
 * (a redelivered answer, two admins at once): nothing is granted, recorded or sent twice.
 */
export async function grantFriendsFamily(sql: Queryable, grant: { userId: number; actorId: number; note: string }):
  Promise<{ status: 'granted'; plan: UserPlan; previous: UserPlan['plan'] } | { status: 'already'; plan: UserPlan }> {
  return atomically(sql, async (tx) => {
    await tx`select id from users where id = ${grant.userId} for update`;
    const before = await readUserPlan(tx, grant.userId);
    if (before.plan === 'friends_family') return { status: 'already' as const, plan: before };
    const plan = await grantPlan(tx, {
      userId: grant.userId, plan: 'friends_family', until: null, source: 'friends_family', actorId: grant.actorId, note: grant.note,
      reason: 'friends_family_granted',
    });
    // A paying member's subscription would renew, and its next payment would put them back on
    // the paid plan: renewal is turned off (what they paid for runs out unused: F&F replaces it).
    const stopped = await stopRenewals(tx, grant.userId);
    // Posts set aside when an earlier plan ended come back: F&F's queue has no limit.
    await keepFlaggedPosts(tx, grant.userId, 'fit');
    await recordAudit(tx, { actorId: grant.actorId, action: 'friends_family.grant', subjectUserId: grant.userId,
      details: { note: grant.note, previous_plan: before.plan, ...(stopped ? { renewals_stopped: stopped } : {}) } });
    await enqueue(tx, userNoticeJob, { userId: grant.userId, notice: 'admin_notice_ff_granted' });
    return { status: 'granted' as const, plan, previous: before.plan };
  });
}

/**
 * Ends a member's Friends & Family status (they are on Free from now), with its audit record
 * and the user's notice. 'not_member' when they are not one (any more): nothing happens.
 */
export async function removeFriendsFamily(sql: Queryable, removal: { userId: number; actorId: number }): Promise<'removed' | 'not_member'> {
  return atomically(sql, async (tx) => {
    const [row] = await tx<{ note: string | null }[]>`
      select p.note from users u join user_plans p on p.user_id = u.id where u.id = ${removal.userId} and p.plan = 'friends_family' for update of u`;
    const ended = row && await endPlan(tx, { userId: removal.userId, reason: 'friends_family_removed', source: 'friends_family',
      actorId: removal.actorId, onlyPlan: 'friends_family' });
    if (!ended) return 'not_member';
    await recordAudit(tx, { actorId: removal.actorId, action: 'friends_family.remove', subjectUserId: removal.userId, details: { note: row.note } });
    await enqueue(tx, userNoticeJob, { userId: removal.userId, notice: 'admin_notice_ff_removed' });
    return 'removed';
  });
}

/** One CSV field: quoted when needed, and a leading = + - @ neutralised so a spreadsheet does not run it as a formula. */
function csvField(value: string | number | null): string {
  let s = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The list as CSV (RFC 4180, CRLF line ends, a header row), for the Export button. */
export function friendsFamilyCsv(members: readonly FriendsFamilyMember[]): string {
  const header = ['telegram_id', 'username', 'first_name', 'note', 'granted_at', 'granted_by', 'posts_this_month'];
  const rows = members.map((m) => [m.id, m.username, m.firstName, m.note, m.grantedAt.toISOString(), m.grantedBy, m.postsThisMonth].map(csvField));
  return [header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}
