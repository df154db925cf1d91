import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { recordAudit } from '../audit/recordAudit.js';
import { failDeliveriesToBanned } from '../broadcasts/failDeliveriesToBanned.js';
import { pauseUserPosts, resumeUserPosts } from '../instapost/pauseUserPosts.js';
import { banUserRow, unbanUserRow } from '../users/setUserBanned.js';
import { stopRenewals } from './stopRenewals.js';

/** What a ban or an unban did. */
export type BanOutcome =
  | { status: 'done'; posts: number; renewalsStopped?: number }
  | { status: 'unchanged' }
  | { status: 'unknown_user' };

/**
 * Bans a user, in one transaction with its consequences: their scheduled posts are paused, their
 * copies of a users broadcast still running are not sent (failDeliveriesToBanned), the
 * renewal of their Star subscriptions is turned off (a job each: Telegram must not keep charging
 * someone the bot ignores; what they paid for runs to its end, and after an unban they can turn
 * renewal on again in /plan), and the audit log records who banned them and why. Unchanged when
 * they were already banned (a redelivered command, or a second admin at once): nothing is paused,
 * cancelled or recorded twice.
 */
export async function banUser(sql: Queryable, ban: { userId: number; actorId: number; reason: string | null }): Promise<BanOutcome> {
  return atomically(sql, async (tx) => {
    const [user] = await tx`select id from users where id = ${ban.userId} for update`;
    if (!user) return { status: 'unknown_user' as const };
    if (!(await banUserRow(tx, ban.userId, ban.actorId, ban.reason))) return { status: 'unchanged' as const };
    const posts = await pauseUserPosts(tx, ban.userId);
    await failDeliveriesToBanned(tx, ban.userId);
    const stopped = await stopRenewals(tx, ban.userId);
    await recordAudit(tx, { actorId: ban.actorId, action: 'user.ban', subjectUserId: ban.userId,
      details: { reason: ban.reason, paused_posts: posts, ...(stopped ? { renewals_stopped: stopped } : {}) } });
    return { status: 'done' as const, posts, ...(stopped ? { renewalsStopped: stopped } : {}) };
  });
}

/** Lifts a ban: the paused posts are scheduled again, and the audit log records it. */
export async function unbanUser(sql: Queryable, unban: { userId: number; actorId: number }): Promise<BanOutcome> {
  return atomically(sql, async (tx) => {
    const [user] = await tx`select id from users where id = ${unban.userId} for update`;
    if (!user) return { status: 'unknown_user' as const };
    if (!(await unbanUserRow(tx, unban.userId))) return { status: 'unchanged' as const };
    const posts = await resumeUserPosts(tx, unban.userId);
    await recordAudit(tx, { actorId: unban.actorId, action: 'user.unban', subjectUserId: unban.userId, details: { resumed_posts: posts } });
    return { status: 'done' as const, posts };
  });
}
