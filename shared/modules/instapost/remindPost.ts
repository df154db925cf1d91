import type { Api } from 'grammy';
import { jobHandler } from '../../queue/jobHandler.js';
import { expireLapsedPlans } from '../plans/expireLapsedPlans.js';
import { tellUser } from '../users/tellUser.js';
import { classifyGraphError } from './classifyGraphError.js';
import { readPageToken } from './instagramAccounts.js';
import type { InstapostServices } from './InstapostServices.js';
import { readPostImages, REMINDER_MIN_LEAD_MS } from './posts.js';
import { remindPostJob } from './remindPostJob.js';
import { describeTime } from './zonedTime.js';

/**
 * The reminder: sent once, only for the version it was made for, with what would stop the post
 * while there is still time to fix it: the token (asked of Graph), the quota
 * (content_publishing_limit), and each image (still downloadable from Telegram).
 *
 * Once: `reminded_at` is set by the statement that decides to remind, committed before the
 * message is sent, so only one job (of however many settings changes made) reminds, and a
 * retry after the send does not send again. Only for the user's current setting: a job made for
 * another one does nothing (saveReminderMinutes made one for the new setting). A job queued
 * before jobs carried `minutes` cannot say which setting it was made for; it reminds only once
 * the current setting's moment has come: after a change to fewer minutes it is early and
 * silent, and the new setting's job reminds; after a change to more, whichever of the two runs
 * first reminds. None comes within a minute of the post (REMINDER_MIN_LEAD_MS: a job late
 * behind a backlog, or made at once by a settings change): it would arrive as the post goes out.
 */
export function remindPostHandler(deps: { api: Api; services: InstapostServices }) {
  return jobHandler(remindPostJob, async ({ postId, version, minutes }, ctx) => {
    // As the publish job does: a plan past its end is ended first, so a post it sets aside is
    // not announced as going out (the claim below skips flagged posts).
    await expireLapsedPlans(ctx.sql, new Date(), { postId });
    const [post] = await ctx.sql<{ user_id: number; account_id: number | null; username: string | null; ig_user_id: string | null; needs_reconnect: boolean | null;
      scheduled_at: Date; time_zone: string }[]>`
      update posts p set reminded_at = now() from users u
      where p.id = ${postId} and p.version = ${version} and p.state = 'scheduled' and p.flagged_at is null and p.reminded_at is null and u.id = p.user_id
        and u.notify_before_minutes > 0 and p.scheduled_at > now() + make_interval(secs => ${REMINDER_MIN_LEAD_MS / 1000})
        and case when ${minutes ?? null}::int is null then p.scheduled_at - make_interval(mins => u.notify_before_minutes) <= now()
          else u.notify_before_minutes = ${minutes ?? null}::int end
      returning p.user_id, p.account_id,
        (select username from instagram_accounts where id = p.account_id) as username,
        (select ig_user_id from instagram_accounts where id = p.account_id) as ig_user_id,
        (select needs_reconnect from instagram_accounts where id = p.account_id) as needs_reconnect,
        p.scheduled_at, u.time_zone`;
    if (!post) return;
    const problems: ('remind_problem_token' | 'remind_problem_quota' | 'remind_problem_image')[] = [];
    const token = post.account_id === null ? undefined : await readPageToken(ctx.sql, deps.services.keyring, post.account_id);
    if (!token || !post.ig_user_id || post.needs_reconnect) problems.push('remind_problem_token');
    else {
      try {
        const limit = await deps.services.graph.getPublishingLimit(post.ig_user_id, token);
        if (limit.quotaUsage >= limit.quotaTotal) problems.push('remind_problem_quota');
      } catch (error) {
        if (classifyGraphError(error).kind === 'token-invalid') problems.push('remind_problem_token');
      }
    }
    for (const image of await readPostImages(ctx.sql, postId)) {
      try {
        await deps.api.getFile(image.telegram_file_id);
      } catch {
        problems.push('remind_problem_image');
        break;
      }
    }
    // "in 15 minutes, 2 Dec 2026, 18:00 (Europe/Berlin)": relative, then the time in the user's zone and language.
    await tellUser(ctx.sql, deps.api, ctx.log, post.user_id, (t, locale) => [
      t('remind_soon', { id: postId, username: post.username ?? '?', when: describeTime(post.scheduled_at, post.time_zone, locale) }),
      ...problems.map((p) => t(p)),
    ].join('\n'));
  });
}
