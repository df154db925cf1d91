import type { Queryable } from '../db/Queryable.js';
import { classifyGraphError } from '../modules/instapost/classifyGraphError.js';
import type { GraphClient } from '../modules/instapost/GraphClient.js';
import { readPageToken } from '../modules/instapost/instagramAccounts.js';
import type { Keyring } from '../modules/instapost/Keyring.js';

/** What "check status" found, and what it changed. */
export interface PostStatusCheck {
  postId: number;
  /** The post's state after the check. */
  state: string;
  /** What Graph said: the container's status_code, `live` for readable media, or why nothing could be asked. */
  graph: string;
  /** Whether the post row was corrected. */
  changed: boolean;
  permalink?: string;
  error?: string;
}

/**
 * "Check status" on the Posts page: asks Graph about the post and corrects the record where
 * Graph knows better, as the publisher does after a crash (docs/POSTING.md):
 * - with a media id, reads the media: the post is live (published, permalink stored);
 * - with a container, reads its status: PUBLISHED means live (the answer to media_publish was
 *   lost), so a `publishing` or `failed` post is marked published; any other status is shown
 *   and left to the publish job, which owns retries.
 * Never publishes, never creates a container: a check is safe to press any number of times.
 */
export async function checkPostStatus(sql: Queryable, services: { graph: GraphClient; keyring: Keyring }, postId: number): Promise<PostStatusCheck | undefined> {
  const [post] = await sql<{ id: number; state: string; account_id: number | null; container_id: string | null; media_id: string | null }[]>`
    select id, state, account_id, container_id, media_id from posts where id = ${postId}`;
  if (!post) return undefined;
  const result = (graph: string, extra: Partial<PostStatusCheck> = {}): PostStatusCheck => ({ postId, state: post.state, graph, changed: false, ...extra });
  if (post.media_id === null && post.container_id === null) return result('nothing to ask yet (no container)');
  const token = post.account_id === null ? undefined : await readPageToken(sql, services.keyring, post.account_id);
  if (!token) return result('account gone');
  try {
    if (post.media_id !== null) {
      const media = await services.graph.getMedia(post.media_id, token);
      const [row] = await sql<{ state: string }[]>`
        update posts set state = 'published', published_at = coalesce(published_at, now()), permalink = coalesce(${media.permalink ?? null}, permalink),
          error_reason = null, updated_at = now()
        where id = ${postId} and (state <> 'published' or permalink is distinct from coalesce(${media.permalink ?? null}, permalink)) returning state`;
      return result('live', { state: 'published', changed: Boolean(row), permalink: media.permalink });
    }
    const container = await services.graph.getContainer(post.container_id!, token);
    if (container.statusCode === 'PUBLISHED' && (post.state === 'publishing' || post.state === 'failed')) {
      const [row] = await sql<{ state: string }[]>`
        update posts set state = 'published', published_at = coalesce(published_at, now()), error_reason = null, updated_at = now()
        where id = ${postId} and state in ('publishing', 'failed') returning state`;
      return result('PUBLISHED', { state: row ? 'published' : post.state, changed: Boolean(row) });
    }
    return result(container.statusCode, container.status ? { error: container.status } : {});
  } catch (error) {
    const verdict = classifyGraphError(error);
    return result('error', { error: verdict.reason });
  }
}
