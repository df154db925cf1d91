import { atomically } from '../db/atomically.js';
import type { Queryable } from '../db/Queryable.js';
import { recordAudit } from '../modules/audit/recordAudit.js';
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
 *
 * The check is written to the audit log (`post.check_status`, by `actorId`) in the transaction
 * of the correction it makes, so the record is never corrected without its audit row, nor the
 * row written for a correction that rolled back. Graph is read before that transaction opens:
 * the reads change nothing, and a row lock held across a Graph call would hold the publisher.
 */
export async function checkPostStatus(sql: Queryable, services: { graph: GraphClient; keyring: Keyring }, postId: number, actorId: number): Promise<PostStatusCheck | undefined> {
  const [post] = await sql<{ id: number; state: string; account_id: number | null; container_id: string | null; media_id: string | null }[]>`
    select id, state, account_id, container_id, media_id from posts where id = ${postId}`;
  if (!post) return undefined;
  const seen = await askGraph(sql, services, post);
  return atomically(sql, async (tx) => {
    const changed = seen.correct ? await seen.correct(tx) : undefined;
    // Readable media is live whether or not the row needed correcting.
    const state = changed ?? (seen.graph === 'live' ? 'published' : post.state);
    const result: PostStatusCheck = { postId, state, graph: seen.graph, changed: changed !== undefined,
      ...(seen.permalink !== undefined ? { permalink: seen.permalink } : {}), ...(seen.error !== undefined ? { error: seen.error } : {}) };
    await recordAudit(tx, { actorId, action: 'post.check_status', details: { post_id: postId, graph: seen.graph, changed: result.changed, via: 'dashboard' } });
    return result;
  });
}

/** What Graph said about a post, and the correction of its row that follows (run in the audit's transaction), if any. */
interface GraphVerdict {
  graph: string;
  permalink?: string;
  error?: string;
  /** Corrects the row; resolves with its new state, or undefined when there was nothing to correct. */
  correct?: (tx: Queryable) => Promise<string | undefined>;
}

async function askGraph(sql: Queryable, services: { graph: GraphClient; keyring: Keyring },
  post: { id: number; state: string; account_id: number | null; container_id: string | null; media_id: string | null }): Promise<GraphVerdict> {
  if (post.media_id === null && post.container_id === null) return { graph: 'nothing to ask yet (no container)' };
  const token = post.account_id === null ? undefined : await readPageToken(sql, services.keyring, post.account_id);
  if (!token) return { graph: 'account gone' };
  try {
    if (post.media_id !== null) {
      const media = await services.graph.getMedia(post.media_id, token);
      const permalink = media.permalink ?? null;
      return {
        graph: 'live', ...(media.permalink !== undefined ? { permalink: media.permalink } : {}),
        correct: async (tx) => {
          const [row] = await tx<{ state: string }[]>`
            update posts set state = 'published', published_at = coalesce(published_at, now()), permalink = coalesce(${permalink}, permalink),
              error_reason = null, updated_at = now()
            where id = ${post.id} and (state <> 'published' or permalink is distinct from coalesce(${permalink}, permalink)) returning state`;
          return row?.state;
        },
      };
    }
    const container = await services.graph.getContainer(post.container_id!, token);
    if (container.statusCode === 'PUBLISHED' && (post.state === 'publishing' || post.state === 'failed')) {
      return {
        graph: 'PUBLISHED',
        correct: async (tx) => {
          const [row] = await tx<{ state: string }[]>`
            update posts set state = 'published', published_at = coalesce(published_at, now()), error_reason = null, updated_at = now()
            where id = ${post.id} and state in ('publishing', 'failed') returning state`;
          return row?.state;
        },
      };
    }
    return { graph: container.statusCode, ...(container.status ? { error: container.status } : {}) };
  } catch (error) {
    return { graph: 'error', error: classifyGraphError(error).reason };
  }
}
