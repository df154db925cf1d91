import type { Queryable } from '../../db/Queryable.js';
import { enqueueMany } from '../../queue/enqueue.js';
import { deleteStoredCopiesJob, STORED_COPY_RETENTION_MS } from './deleteStoredCopiesJob.js';

/** A day past the retention: the post's own job has had its turn by then. */
const GRACE_MS = 86_400_000;

/**
 * The daily safety net of the per-post deletion job: a post whose Dropbox copies outlived the
 * retention by a day has lost its job (it died after its attempts through a long Dropbox outage,
 * or an operator discarded it), so the deletion is enqueued again. The dedupe key makes this a
 * no-op while the post's job is still queued or running. At most 1,000 posts a day, oldest first.
 */
export async function requeueOverdueCopyDeletions(sql: Queryable, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - STORED_COPY_RETENTION_MS - GRACE_MS);
  const rows = await sql<{ post_id: number }[]>`
    select post_id from post_images
    where dropbox_path is not null and dropbox_deleted_at is null and uploaded_at < ${cutoff}
    group by post_id order by min(uploaded_at) limit 1000`;
  const ids = await enqueueMany(sql, deleteStoredCopiesJob,
    rows.map((r) => ({ payload: { postId: r.post_id }, dedupeKey: `instapost_delete_copies:${r.post_id}` })));
  return ids.length;
}
