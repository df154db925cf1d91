import type { Api } from 'grammy';
import type { Sql } from '../../db/createSql.js';
import type { Translator } from '../../i18n/createTranslator.js';
import type { Logger } from '../../logger.js';
import { enqueue } from '../../queue/enqueue.js';
import { SnoozeJob } from '../../queue/jobHandler.js';
import { expireLapsedPlans } from '../plans/expireLapsedPlans.js';
import { releasePost } from '../plans/releasePost.js';
import { tellUser } from '../users/tellUser.js';
import { classifyGraphError, type GraphErrorClass } from './classifyGraphError.js';
import { deleteStoredCopiesJob, STORED_COPY_RETENTION_MS } from './deleteStoredCopiesJob.js';
import { downloadTelegramFile } from './downloadTelegramFile.js';
import { markNeedsReconnect, readPageToken } from './instagramAccounts.js';
import type { InstapostServices } from './InstapostServices.js';
import { type PostImageRow, type PostRow, readPostImages } from './posts.js';
import { publishPostJob } from './publishPostJob.js';
import { ImageRejectedError, prepareImage } from './prepareImage.js';
import { readUserTimeZone } from './userTimeZone.js';
import { describeTime } from './zonedTime.js';

/** What one publish attempt needs. */
export interface PublishDeps {
  sql: Sql;
  api: Api;
  services: InstapostServices;
  log: Logger;
  /** This attempt is the job's last: a transient failure now fails the post (and tells the user) instead of retrying. */
  lastAttempt: boolean;
  /** For tests: runs between the record and the call it brackets. */
  signal?: AbortSignal;
}

/** The post's outcome is decided and recorded: stop this attempt without retrying. */
class PostSettled extends Error {
  constructor() {
    super('post settled');
    this.name = 'PostSettled';
  }
}

/** A transient failure: the job's backoff retries it. */
export class PublishRetryError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PublishRetryError';
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Publishes a post exactly once, whatever crashes (docs/POSTING.md, "Exactly once"):
 *
 * 1. Claim: the post moves to `publishing` only if it still has the job's version (a reschedule,
 *    a cancel or a second "Post now" made a new version; the old job does nothing) and is not
 *    set aside over its plan's queue (flagged_at). A plan past its end is ended first
 *    (expireLapsedPlans), so the set-aside never waits for the hourly sweep.
 * 2. If a container is recorded, read it first: PUBLISHED → done (never publish again);
 *    FINISHED → publish; IN_PROGRESS → wait; ERROR/EXPIRED → a new container.
 * 3. Otherwise check the quota (`content_publishing_limit`, the API's number), fetch each image
 *    from Telegram, prepare it, upload it to Dropbox, mint a temporary link and create the
 *    container(s), recording each id the moment it is known.
 * 4. media_publish; the media id is recorded the moment it answers. An ambiguous failure is
 *    resolved by reading the container, never by publishing again blindly.
 * 5. The permalink, best effort, and the user is told.
 */
export async function publishPost(deps: PublishDeps, postId: number, version: number): Promise<void> {
  const { sql } = deps;
  // A plan that ended since the last hourly sweep is ended here first, by the sweep's own rule
  // (expireLapsedPlans: the earliest-due posts that fit the queue of the plan now in force stay,
  // the rest are set aside, the user is told once), so a post due after its plan's end and over
  // the queue it is left with is set aside instead of published. Nothing to do (one indexed
  // read) while the owner's plan is in force.
  await expireLapsedPlans(sql, new Date(), { postId });
  // A post set aside when its plan ended (flagged_at) is not claimed: the flag is checked in the
  // claim itself, so the flag and the claim are ordered by the row's lock. A post already
  // 'publishing' is never flagged (flagPostsOverQueue), so a retry past media_publish goes on.
  const [post] = await sql<PostRow[]>`
    update posts set state = 'publishing', updated_at = now()
    where id = ${postId} and version = ${version} and state in ('scheduled', 'publishing') and flagged_at is null returning *`;
  if (!post) return void deps.log.info({ post_id: postId, version }, 'post moved on (rescheduled, cancelled, set aside or done): nothing to do');
  try {
    await publishClaimed(deps, post);
  } catch (error) {
    if (error instanceof PostSettled) return;
    if (error instanceof SnoozeJob) throw error;
    if (deps.lastAttempt) {
      const verdict = classifyGraphError(error);
      await failPost(deps, post, error instanceof PublishRetryError ? retryReason(error) : verdict.reason);
      return;
    }
    throw error;
  }
}

function retryReason(error: PublishRetryError): string {
  return /not finished/.test(error.message) ? 'not-ready' : /Graph|media/.test(error.message) ? 'server-error' : 'unknown';
}

async function publishClaimed(deps: PublishDeps, post: PostRow): Promise<void> {
  const { sql, services } = deps;
  if (post.media_id !== null) return finish(deps, post, post.media_id);
  const [account] = post.account_id === null ? [] : await sql<{ id: number; ig_user_id: string; username: string; needs_reconnect: boolean }[]>`
    select id, ig_user_id, username, needs_reconnect from instagram_accounts where id = ${post.account_id}`;
  if (!account) return failPost(deps, post, 'account-gone');
  if (account.needs_reconnect) return failPost(deps, post, 'token');
  const token = (await readPageToken(sql, services.keyring, account.id))!;
  const images = await readPostImages(sql, post.id);
  const graph = services.graph;
  const call = async <T>(what: () => Promise<T>, image?: number): Promise<T> => {
    try {
      return await what();
    } catch (error) {
      return handleGraphError(deps, post, account, error, image);
    }
  };

  let containerId = post.container_id;
  let read: 'FINISHED' | 'IN_PROGRESS' | undefined;
  if (containerId !== null) {
    const container = await readContainer(deps, post, account, token, containerId);
    if (container === 'PUBLISHED') return markPublished(deps, post, null);
    if (container === 'gone') containerId = null;
    // The status just read is the wait's first read (a snoozed job comes back here).
    read = container === 'gone' ? undefined : container;
  }
  if (containerId === null) {
    await checkQuota(deps, post, account, token);
    containerId = await createContainers(deps, post, account, token, images, call);
  }
  if (read !== 'FINISHED') await waitUntilFinished(deps, post, account, token, containerId, undefined, read);

  let mediaId: string;
  try {
    mediaId = await graph.publish(account.ig_user_id, token, containerId);
  } catch (error) {
    const verdict = classifyGraphError(error, { beforePublish: false });
    deps.log.warn({ post_id: post.id, kind: verdict.kind, reason: verdict.reason }, 'media_publish failed; reading the container');
    // Whatever the failure, the container says whether the post is live: an answer lost after
    // the effect (timeout, dropped connection, 5xx, even an error code) must not post twice.
    if (verdict.kind !== 'token-invalid') {
      const status = await readContainer(deps, post, account, token, containerId);
      if (status === 'PUBLISHED') return markPublished(deps, post, null);
    }
    return handleGraphError(deps, post, account, error, undefined, { beforePublish: false });
  }
  // Recorded at once, before anything else can fail: from here the post is live.
  await sql`update posts set media_id = ${mediaId}, state = 'published', published_at = now(), error_reason = null, updated_at = now() where id = ${post.id}`;
  await finish(deps, post, mediaId);
}

type Account = { id: number; ig_user_id: string; username: string };

/** The container's state, or 'gone' when it is spent (ERROR, EXPIRED, unknown to Graph): a new one is needed. */
async function readContainer(deps: PublishDeps, post: PostRow, account: Account, token: string, containerId: string):
  Promise<'PUBLISHED' | 'FINISHED' | 'IN_PROGRESS' | 'gone'> {
  try {
    const c = await deps.services.graph.getContainer(containerId, token);
    if (c.statusCode === 'ERROR' || c.statusCode === 'EXPIRED') {
      deps.log.warn({ post_id: post.id, status: c.statusCode }, 'container spent: making a new one');
      await forgetContainers(deps.sql, post.id);
      return 'gone';
    }
    return c.statusCode;
  } catch (error) {
    const verdict = classifyGraphError(error);
    if (verdict.reason === 'not-found' || verdict.reason === 'invalid-parameter') {
      await forgetContainers(deps.sql, post.id);
      return 'gone';
    }
    return handleGraphError(deps, post, account, error);
  }
}

async function forgetContainers(sql: Sql, postId: number) {
  await sql`update posts set container_id = null, updated_at = now() where id = ${postId}`;
  await sql`update post_images set container_id = null where post_id = ${postId}`;
}

/** The quota as the API reports it; a full one moves the post to when a slot frees. */
async function checkQuota(deps: PublishDeps, post: PostRow, account: Account, token: string) {
  let limit;
  try {
    limit = await deps.services.graph.getPublishingLimit(account.ig_user_id, token);
  } catch (error) {
    const verdict = classifyGraphError(error);
    if (verdict.kind === 'token-invalid') return handleGraphError(deps, post, account, error);
    // The quota read is advice: media_publish enforces the limit itself (9/2207042), handled below.
    return void deps.log.warn({ post_id: post.id, reason: verdict.reason }, 'could not read content_publishing_limit; publishing anyway');
  }
  if (limit.quotaUsage < limit.quotaTotal) return;
  await postponeForQuota(deps, post, account, limit.quotaTotal, limit.quotaDurationS);
}

/**
 * Moves a post past a full rolling quota: to when the oldest post this bot published on the
 * account in the window leaves it (or an hour, when the window's posts were made elsewhere).
 */
async function postponeForQuota(deps: PublishDeps, post: PostRow, account: Account, quotaTotal: number, durationS = 86_400): Promise<never> {
  const [oldest] = await deps.sql<{ at: Date | null }[]>`
    select min(published_at) as at from posts
    where account_id = ${account.id} and state = 'published' and published_at > now() - make_interval(secs => ${durationS})`;
  const at = oldest?.at ? new Date(oldest.at.getTime() + durationS * 1000 + 60_000) : new Date(Date.now() + 3_600_000);
  const [row] = await deps.sql<{ version: number }[]>`
    update posts set state = 'scheduled', scheduled_at = ${at}, version = version + 1, updated_at = now()
    where id = ${post.id} and state = 'publishing' returning version`;
  if (row) {
    await enqueue(deps.sql, publishPostJob, { postId: post.id, version: row.version }, { runAt: at, dedupeKey: `instapost_publish:${post.id}:${row.version}` });
    const zone = (await readUserTimeZone(deps.sql, post.user_id)) ?? 'UTC';
    await tell(deps, post.user_id, (t, locale) => t('publish_quota_moved', { username: account.username, total: quotaTotal, when: describeTime(at, zone, locale) }));
  }
  throw new PostSettled();
}

/** Each image: from Telegram, prepared, to Dropbox, a fresh link, a container; the carousel's parent last. */
async function createContainers(deps: PublishDeps, post: PostRow, account: Account, token: string, images: PostImageRow[],
  call: <T>(what: () => Promise<T>, image?: number) => Promise<T>): Promise<string> {
  const { sql, services } = deps;
  const carousel = images.length > 1;
  const children: string[] = [];
  for (const image of images) {
    if (carousel && image.container_id !== null) {
      children.push(image.container_id);
      continue;
    }
    const path = `/instapost/${post.id}/${image.position}.jpg`;
    let prepared;
    try {
      prepared = await prepareImage(await downloadTelegramFile(deps.api, image.telegram_file_id), { fit: post.fit });
    } catch (error) {
      if (error instanceof ImageRejectedError) return failPost(deps, post, `image-${error.reason}`, carousel ? image.position : null);
      throw new PublishRetryError('could not fetch the image from Telegram', { cause: error });
    }
    // Overwrites: a retried upload of the same post is harmless.
    await services.storage.upload(path, prepared.bytes);
    await sql`update post_images set dropbox_path = ${path}, uploaded_at = coalesce(uploaded_at, now()) where post_id = ${post.id} and position = ${image.position}`;
    await enqueue(sql, deleteStoredCopiesJob, { postId: post.id },
      { runAt: new Date(Date.now() + STORED_COPY_RETENTION_MS), dedupeKey: `instapost_delete_copies:${post.id}` });
    // Minted right before the container: Meta fetches the image during POST /media.
    const imageUrl = await services.storage.temporaryLink(path);
    const id = await call(() => services.graph.createImageContainer(account.ig_user_id, token, carousel
      ? { imageUrl, isCarouselItem: true }
      : { imageUrl, caption: post.caption, altText: post.alt_text }), carousel ? image.position : undefined);
    if (!carousel) {
      await sql`update posts set container_id = ${id}, updated_at = now() where id = ${post.id}`;
      return id;
    }
    await sql`update post_images set container_id = ${id} where post_id = ${post.id} and position = ${image.position}`;
    children.push(id);
  }
  // Every child must be FINISHED before the parent: a child that fails fails the whole post,
  // naming it, and nothing is published (never a partial carousel).
  for (const [i, child] of children.entries()) await waitUntilFinished(deps, post, account, token, child, images[i]!.position);
  const parent = await call(() => services.graph.createCarouselContainer(account.ig_user_id, token, { children, caption: post.caption }));
  await sql`update posts set container_id = ${parent}, updated_at = now() where id = ${post.id}`;
  return parent;
}

/**
 * Polls a container until FINISHED, for up to `containerWaitMs` in the slot, then snoozes the job
 * (SnoozeJob) so that other posts use the slot while Meta processes; ERROR/EXPIRED → a new
 * container next attempt.
 */
async function waitUntilFinished(deps: PublishDeps, post: PostRow, account: Account, token: string, containerId: string, image: number | undefined,
  justRead?: 'IN_PROGRESS') {
  const deadline = Date.now() + deps.services.containerWaitMs;
  for (let first = true; ; first = false) {
    let status: { statusCode: string };
    if (first && justRead) {
      status = { statusCode: justRead };
    } else {
      try {
        status = await deps.services.graph.getContainer(containerId, token);
      } catch (error) {
        return handleGraphError(deps, post, account, error, image);
      }
    }
    if (status.statusCode === 'FINISHED' || status.statusCode === 'PUBLISHED') return;
    if (status.statusCode === 'ERROR' || status.statusCode === 'EXPIRED') {
      await forgetContainers(deps.sql, post.id);
      if (deps.lastAttempt) return failPost(deps, post, 'container-failed', image ?? null);
      throw new PublishRetryError(`container ${status.statusCode}${image === undefined ? '' : ` (image ${image})`}: a new one next attempt`);
    }
    if (Date.now() >= deadline) {
      // Give the slot back while Meta processes: the job runs again in a poll interval, its
      // attempt not counted, and starts by reading this container. On the last attempt (the
      // runner refused further snoozes) it fails as not ready instead.
      if (deps.lastAttempt) throw new PublishRetryError('container not finished yet');
      throw new SnoozeJob(deps.services.containerPollMs, 'container not finished yet');
    }
    await sleep(deps.services.containerPollMs);
  }
}

/** Sorts a Graph failure: the token → reconnect; permanent → the post fails with the reason; transient → retry. */
async function handleGraphError(deps: PublishDeps, post: PostRow, account: Account, error: unknown, image?: number,
  options: { beforePublish?: boolean } = {}): Promise<never> {
  const verdict: GraphErrorClass = classifyGraphError(error, options);
  if (verdict.kind === 'token-invalid') {
    if (await markNeedsReconnect(deps.sql, account.id)) {
      await tell(deps, post.user_id, (t) => t('account_token_revoked', { username: account.username }));
    }
    return failPost(deps, post, 'token');
  }
  if (verdict.reason === 'daily-limit') return postponeForQuota(deps, post, account, 0);
  if (verdict.kind === 'permanent') return failPost(deps, post, verdict.reason, image ?? null);
  if (verdict.needsNewContainer) await forgetContainers(deps.sql, post.id);
  throw new PublishRetryError(`Graph call failed (${verdict.reason}); retrying`, { cause: error });
}

/** Records the failure and tells the user why, in plain words, once. */
async function failPost(deps: PublishDeps, post: PostRow, reason: string, image: number | null = null): Promise<never> {
  // Failed for good: its unit of posts per month goes back in the same transaction (once: the
  // post's mark is cleared with it, and only the first failure finds the post 'publishing').
  const failed = await deps.sql.begin(async (tx) => {
    const rows = await tx`
      update posts set state = 'failed', error_reason = ${reason}, error_image = ${image}, notified_at = now(), updated_at = now()
      where id = ${post.id} and state = 'publishing' returning id`;
    if (rows.length) await releasePost(tx, post.id);
    return rows.length > 0;
  });
  if (failed) {
    deps.log.warn({ post_id: post.id, reason, image }, 'post failed');
    await tell(deps, post.user_id, (t) => {
      const why = t(reasonKey(reason));
      return image === null ? t('publish_failed', { why }) : t('publish_failed_image', { why, image });
    });
  }
  throw new PostSettled();
}

/** Live, but the media id is unknown (the crash came between media_publish and its record). */
async function markPublished(deps: PublishDeps, post: PostRow, mediaId: string | null): Promise<never> {
  await deps.sql`update posts set state = 'published', published_at = coalesce(published_at, now()), updated_at = now() where id = ${post.id} and state = 'publishing'`;
  await finish(deps, post, mediaId);
  throw new PostSettled();
}

/** The permalink (best effort: a live post is never reported failed), then the user is told once. */
async function finish(deps: PublishDeps, post: PostRow, mediaId: string | null): Promise<void> {
  let permalink: string | undefined;
  if (mediaId !== null) {
    try {
      const token = post.account_id === null ? undefined : await readPageToken(deps.sql, deps.services.keyring, post.account_id);
      if (token) permalink = (await deps.services.graph.getMedia(mediaId, token)).permalink;
    } catch (error) {
      deps.log.info({ post_id: post.id, reason: classifyGraphError(error).reason }, 'permalink not readable yet; the post is live');
    }
    if (permalink) await deps.sql`update posts set permalink = ${permalink} where id = ${post.id}`;
  }
  const [told] = await deps.sql`update posts set notified_at = now() where id = ${post.id} and notified_at is null returning id`;
  if (!told) return;
  await tell(deps, post.user_id, (t) => (permalink ? t('publish_done', { link: permalink }) : t('publish_done_no_link')));
}

async function tell(deps: PublishDeps, userId: number, render: (t: Translator, locale: string) => string) {
  await tellUser(deps.sql, deps.api, deps.log, userId, render);
}

/** The message key of a failure reason (classifyGraphError's, or the image check's). */
export function reasonKey(reason: string) {
  const known = ['token', 'image-format', 'image-too-large', 'aspect-ratio', 'caption-too-long', 'too-many-tags', 'carousel-count',
    'media-fetch-failed', 'account-restricted', 'spam-block', 'permission', 'container-failed', 'account-gone', 'image-not-an-image',
    'image-unsupported-format', 'daily-limit', 'not-ready', 'server-error', 'throttled', 'timeout', 'network'] as const;
  return `publish_reason_${(known as readonly string[]).includes(reason) ? reason : 'other'}` as `publish_reason_${(typeof known)[number] | 'other'}`;
}
