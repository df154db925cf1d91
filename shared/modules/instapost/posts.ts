import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { enqueue, enqueueMany } from '../../queue/enqueue.js';
import { countPost } from '../plans/countPost.js';
import type { QuotaExceeded } from '../plans/quotaExceeded.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { releasePost } from '../plans/releasePost.js';
import { withinLimit } from '../plans/plans.js';
import { publishPostJob } from './publishPostJob.js';
import { remindPostJob } from './remindPostJob.js';

// The `posts` and `post_images` tables' queries for the conversation, /queue and /history. The
// publish job's own records (container, media id) are in publishPost.ts beside the calls they
// bracket.

/** A post's states; see the migration. */
export type PostState = 'draft' | 'scheduled' | 'paused' | 'publishing' | 'published' | 'failed' | 'cancelled';
/** The /post conversation's steps. */
export type DraftStep = 'images' | 'caption' | 'alt_text' | 'preview' | 'schedule';

export interface PostRow {
  id: number;
  user_id: number;
  account_id: number | null;
  state: PostState;
  draft_step: DraftStep | null;
  media_group_id: string | null;
  caption: string;
  alt_text: string;
  fit: 'pad' | 'crop';
  scheduled_at: Date | null;
  version: number;
  container_id: string | null;
  media_id: string | null;
  permalink: string | null;
  error_reason: string | null;
  error_image: number | null;
  published_at: Date | null;
  /** Set aside over the plan's queue when a plan ended: not published until kept (keepFlaggedPosts.ts). */
  flagged_at: Date | null;
  updated_at: Date;
}

export interface PostImageRow {
  post_id: number;
  position: number;
  telegram_file_id: string;
  file_unique_id: string;
  source_format: string | null;
  width: number | null;
  height: number | null;
  dropbox_path: string | null;
  container_id: string | null;
}

/** How long an untouched draft lives: a day, then it is cancelled (and its prompt expires). */
export const DRAFT_TTL_MS = 24 * 3_600_000;

const draftExpiry = () => new Date(Date.now() + DRAFT_TTL_MS);

/** A post of this user (any state). */
export async function readPost(sql: Queryable, userId: number, postId: number): Promise<PostRow | undefined> {
  const [row] = await sql<PostRow[]>`select * from posts where id = ${postId} and user_id = ${userId}`;
  return row;
}

/** A post by id, for the publish job. */
export async function readPostById(sql: Queryable, postId: number): Promise<PostRow | undefined> {
  const [row] = await sql<PostRow[]>`select * from posts where id = ${postId}`;
  return row;
}

/** A post's images in order. */
export async function readPostImages(sql: Queryable, postId: number): Promise<PostImageRow[]> {
  return sql<PostImageRow[]>`select * from post_images where post_id = ${postId} order by position`;
}

/** The user's live draft, if any. */
export async function readDraft(sql: Queryable, userId: number): Promise<PostRow | undefined> {
  const [row] = await sql<PostRow[]>`
    select * from posts where user_id = ${userId} and state = 'draft' and draft_expires_at > now() order by id desc limit 1`;
  return row;
}

/** Starts a draft for the account, cancelling the user's earlier drafts (one conversation at a time). */
export async function startDraft(sql: Queryable, userId: number, accountId: number): Promise<number> {
  return atomically(sql, async (tx) => {
    await tx`update posts set state = 'cancelled', version = version + 1, updated_at = now() where user_id = ${userId} and state = 'draft'`;
    const [row] = await tx<{ id: number }[]>`
      insert into posts (user_id, account_id, draft_step, draft_expires_at) values (${userId}, ${accountId}, 'images', ${draftExpiry()})
      returning id`;
    return row!.id;
  });
}

/** An image as the conversation received it. */
export interface ReceivedImage {
  fileId: string;
  fileUniqueId: string;
  format: string;
  width: number;
  height: number;
}

/**
 * Adds an image to a draft (at the next position), or does nothing when that file is already in
 * it (a redelivered update). An album's photos arrive one message each, sharing a
 * media_group_id: the draft takes the first one's. Returns the image count, or 'full' at 10.
 */
export async function addDraftImage(sql: Queryable, postId: number, image: ReceivedImage, mediaGroupId: string | undefined): Promise<number | 'full'> {
  return atomically(sql, async (tx) => {
    await tx`select id from posts where id = ${postId} for update`;
    const [{ count } = { count: 0 }] = await tx<{ count: number }[]>`select count(*)::int as count from post_images where post_id = ${postId}`;
    const [existing] = await tx`select 1 from post_images where post_id = ${postId} and file_unique_id = ${image.fileUniqueId}`;
    if (existing) return count;
    if (count >= 10) return 'full';
    await tx`
      insert into post_images (post_id, position, telegram_file_id, file_unique_id, source_format, width, height)
      values (${postId}, ${count + 1}, ${image.fileId}, ${image.fileUniqueId}, ${image.format}, ${image.width}, ${image.height})`;
    if (mediaGroupId !== undefined) {
      await tx`update posts set media_group_id = coalesce(media_group_id, ${mediaGroupId}) where id = ${postId}`;
    }
    await tx`update posts set draft_expires_at = ${draftExpiry()}, updated_at = now() where id = ${postId}`;
    return count + 1;
  });
}

/**
 * A draft of one image with its caption, ready to be scheduled, without touching the user's
 * other drafts (startDraft cancels them; a bulk upload's posts must not end a /post meanwhile).
 */
export async function insertSingleImageDraft(sql: Queryable, userId: number, accountId: number, caption: string, image: ReceivedImage): Promise<number> {
  return atomically(sql, async (tx) => {
    const [row] = await tx<{ id: number }[]>`
      insert into posts (user_id, account_id, caption, draft_step, draft_expires_at)
      values (${userId}, ${accountId}, ${caption}, 'preview', ${draftExpiry()}) returning id`;
    await tx`
      insert into post_images (post_id, position, telegram_file_id, file_unique_id, source_format, width, height)
      values (${row!.id}, 1, ${image.fileId}, ${image.fileUniqueId}, ${image.format}, ${image.width}, ${image.height})`;
    return row!.id;
  });
}

/** Deletes a draft that was never shown to anyone (its images with it). */
export async function deleteDraft(sql: Queryable, postId: number): Promise<void> {
  await sql`delete from posts where id = ${postId} and state = 'draft'`;
}

/** Changes a draft's fields (and keeps it alive). False when it is no longer a draft. */
export async function updateDraft(sql: Queryable, postId: number,
  fields: Partial<{ draft_step: DraftStep; caption: string; alt_text: string; fit: 'pad' | 'crop' }>): Promise<boolean> {
  const rows = await sql`
    update posts set ${sql({ ...fields, draft_expires_at: draftExpiry(), updated_at: new Date() } as Record<string, unknown>)}
    where id = ${postId} and state = 'draft' returning id`;
  return rows.length > 0;
}

/** A post leaving its draft for a time this far ahead waits in the queue, and counts toward its size. */
const QUEUED_AFTER_MS = 60_000;

/**
 * Schedules a post (a draft, or a scheduled post being rescheduled or posted now) for `at`, and
 * enqueues its publish job for the new version in the same transaction. Refused once publishing
 * has started, or when it is cancelled or out: the caller says so. A draft takes a unit of the
 * plan's posts per month here, in the same transaction, and waits in the queue only while the
 * plan's queue has room; either refusal ('quota') writes nothing. A post set aside when a plan
 * ended is refused ('flagged') until the user keeps it.
 */
export async function schedulePost(sql: Queryable, userId: number, postId: number, at: Date):
  Promise<{ status: 'scheduled'; version: number } | { status: 'too-late'; state: PostState } | { status: 'not-found' }
    | { status: 'quota'; exceeded: QuotaExceeded } | { status: 'flagged' }> {
  return atomically(sql, async (tx) => {
    const [post] = await tx<{ state: PostState; flagged: boolean }[]>`
      select state, flagged_at is not null as flagged from posts where id = ${postId} and user_id = ${userId} for update`;
    if (!post) return { status: 'not-found' as const };
    if (post.state !== 'draft' && post.state !== 'scheduled') return { status: 'too-late' as const, state: post.state };
    // Set aside over the plan's queue: it must be kept first (keepFlaggedPosts), which schedules it.
    if (post.flagged) return { status: 'flagged' as const };
    if (post.state === 'draft') {
      const refused = await takeQuota(tx, userId, postId, at);
      if (refused) return { status: 'quota' as const, exceeded: refused };
    }
    const [row] = await tx<{ version: number }[]>`
      update posts set state = 'scheduled', scheduled_at = ${at}, version = version + 1, draft_step = null, reminded_at = null,
        draft_expires_at = null, updated_at = now()
      where id = ${postId} returning version`;
    await enqueue(tx, publishPostJob, { postId, version: row!.version }, { runAt: at, dedupeKey: `instapost_publish:${postId}:${row!.version}` });
    const [user] = await tx<{ minutes: number }[]>`select notify_before_minutes as minutes from users where id = ${userId}`;
    if (user) await enqueueReminders(tx, [{ id: postId, version: row!.version, scheduled_at: at }], user.minutes);
    return { status: 'scheduled' as const, version: row!.version };
  });
}

/**
 * No reminder is sent for a post due within this: it would arrive as the post goes out, too
 * late to fix anything it warns of. The same minute in which the bot treats a post as due now
 * (a typed time refused as past in postFeature.ts, QUEUED_AFTER_MS above). remindPost.ts applies
 * it when the reminder runs, so a reminder held up by a backlog is dropped too.
 */
export const REMINDER_MIN_LEAD_MS = 60_000;

/**
 * Reminders `minutes` before each post (none when 0), for the setting they are made with.
 * Deduplicated per post, version and setting: scheduling or a settings change run twice enqueue
 * one. A reminder whose moment has passed is not made, unless `late` is `'now'` (a settings
 * change asking for more notice than a post has left): then it comes at once, if the post is
 * still more than {@link REMINDER_MIN_LEAD_MS} ahead.
 */
export async function enqueueReminders(sql: Queryable, posts: readonly { id: number; version: number; scheduled_at: Date }[], minutes: number,
  options: { late?: 'skip' | 'now' } = {}): Promise<void> {
  if (minutes <= 0) return;
  const now = Date.now();
  const due = posts.map((p) => ({ ...p, remindAt: new Date(p.scheduled_at.getTime() - minutes * 60_000) }))
    .flatMap((p) => (p.remindAt.getTime() > now ? [p]
      : options.late === 'now' && p.scheduled_at.getTime() > now + REMINDER_MIN_LEAD_MS ? [{ ...p, remindAt: new Date(now) }] : []));
  await enqueueMany(sql, remindPostJob, due.map((p) => ({
    payload: { postId: p.id, version: p.version, minutes }, runAt: p.remindAt, dedupeKey: `instapost_remind:${p.id}:${p.version}:${minutes}`,
  })));
}

/**
 * The plan's limits for a draft about to be scheduled: the queue's size (for a post that will
 * wait), then a unit of posts per month (taken). Undefined when both allow it. The user's row
 * lock orders one user's schedulings, so two cannot both take the queue's last place.
 */
async function takeQuota(tx: Queryable, userId: number, postId: number, at: Date): Promise<QuotaExceeded | undefined> {
  const plan = await readUserPlan(tx, userId);
  if (at.getTime() > Date.now() + QUEUED_AFTER_MS && plan.limits.queueSize !== null) {
    await tx`select id from users where id = ${userId} for update`;
    const [{ queued } = { queued: 0 }] = await tx<{ queued: number }[]>`
      select count(*)::int as queued from posts
      where user_id = ${userId} and state in ('scheduled', 'paused', 'publishing') and flagged_at is null and id <> ${postId}`;
    if (!withinLimit(plan.limits.queueSize, queued)) return { kind: 'queue', plan, used: queued, limit: plan.limits.queueSize };
  }
  const counted = await countPost(tx, userId, postId);
  if (!counted.ok) return { kind: 'posts', plan: counted.plan, used: counted.used, limit: counted.plan.limits.postsPerMonth };
  return undefined;
}

/** Cancels a draft or a scheduled post, giving back its unit of posts per month. Refused once publishing has started. */
export async function cancelPost(sql: Queryable, userId: number, postId: number): Promise<'cancelled' | 'too-late' | 'not-found'> {
  return atomically(sql, async (tx) => {
    const rows = await tx<{ id: number }[]>`
      update posts set state = 'cancelled', version = version + 1, updated_at = now()
      where id = ${postId} and user_id = ${userId} and state in ('draft', 'scheduled') returning id`;
    if (rows.length) {
      await releasePost(tx, postId);
      return 'cancelled' as const;
    }
    return (await readPost(tx, userId, postId)) ? 'too-late' as const : 'not-found' as const;
  });
}

/** Upcoming posts of a user, soonest first, a page at a time; those set aside (flagged) first, since they wait for the user's choice. */
export async function readQueue(sql: Queryable, userId: number, page: number, pageSize: number):
  Promise<{ posts: (PostRow & { username: string | null })[]; total: number }> {
  const posts = await sql<(PostRow & { username: string | null })[]>`
    select p.*, a.username from posts p left join instagram_accounts a on a.id = p.account_id
    where p.user_id = ${userId} and p.state in ('scheduled', 'publishing')
    order by p.flagged_at is null, p.scheduled_at, p.id limit ${pageSize} offset ${page * pageSize}`;
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
    select count(*)::int as total from posts where user_id = ${userId} and state in ('scheduled', 'publishing')`;
  return { posts, total };
}

/** Published and failed posts, newest first. */
export async function readHistory(sql: Queryable, userId: number, page: number, pageSize: number):
  Promise<{ posts: (PostRow & { username: string | null })[]; total: number }> {
  const posts = await sql<(PostRow & { username: string | null })[]>`
    select p.*, a.username from posts p left join instagram_accounts a on a.id = p.account_id
    where p.user_id = ${userId} and p.state in ('published', 'failed')
    order by coalesce(p.published_at, p.updated_at) desc, p.id desc limit ${pageSize} offset ${page * pageSize}`;
  const [{ total } = { total: 0 }] = await sql<{ total: number }[]>`
    select count(*)::int as total from posts where user_id = ${userId} and state in ('published', 'failed')`;
  return { posts, total };
}
