import { InlineKeyboard } from 'grammy';
import type { Queryable } from '../../db/Queryable.js';
import type { Translator } from '../../i18n/createTranslator.js';
import type { PlanId } from '../plans/plans.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { formatLimit, planName, UPGRADE_DATA } from '../plans/quotaExceeded.js';
import { countFlagged } from './keepFlaggedPosts.js';

/** The set-aside posts' buttons (flaggedPostsFeature answers them). */
export const FLAGGED_DATA = {
  keep: (postId: number) => `ig:fl:keep:${postId}`,
  fit: 'ig:fl:fit',
  aside: (postId: number) => `ig:fl:aside:${postId}`,
  deleteAsk: 'ig:fl:del',
  deleteYes: 'ig:fl:del:yes',
  /** /queue's first page, where each set-aside post has its Keep button. */
  choose: 'ig:q:page:0',
} as const;

/** What a plan notice says about the user's set-aside posts, read when it is sent. */
export interface SetAside {
  count: number;
  /** Places free in the queue now (null: unlimited). */
  room: number | null;
  limit: number | null;
  /** The plan in force, whose queue they are over. */
  plan: PlanId;
}

/** The user's set-aside posts and their queue's room, or undefined when none are set aside. */
export async function readSetAside(sql: Queryable, userId: number): Promise<SetAside | undefined> {
  const count = await countFlagged(sql, userId);
  if (count === 0) return undefined;
  const plan = await readUserPlan(sql, userId);
  const limit = plan.limits.queueSize;
  const [{ queued } = { queued: 0 }] = await sql<{ queued: number }[]>`
    select count(*)::int as queued from posts
    where user_id = ${userId} and state in ('scheduled', 'paused', 'publishing') and flagged_at is null`;
  return { count, limit, room: limit === null ? null : Math.max(0, limit - queued), plan: plan.plan };
}

/**
 * The paragraph and buttons that tell a user their posts beyond the queue are set aside and
 * let them choose: pick in /queue which to keep, keep the earliest that fit (when there is
 * room), delete them, or upgrade (a paid plan brings them back).
 */
export function renderSetAside(t: Translator, s: SetAside): { text: string; keyboard: InlineKeyboard } {
  const text = t('flagged_notice', { count: s.count, plan: planName(t, s.plan), queue: formatLimit(t, s.limit) });
  const keyboard = new InlineKeyboard();
  if (s.room === null || s.room > 0) keyboard.text(t('flagged_keep_fit', { count: Math.min(s.count, s.room ?? s.count) }), FLAGGED_DATA.fit).row();
  keyboard.text(t('flagged_choose'), FLAGGED_DATA.choose).row()
    .text(t('flagged_delete', { count: s.count }), FLAGGED_DATA.deleteAsk).row()
    .text(t('plan_upgrade_button'), UPGRADE_DATA);
  return { text, keyboard };
}
