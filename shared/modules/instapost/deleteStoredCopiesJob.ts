import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/** The seed's retention: a post's Dropbox copies are deleted 7 days after their upload. */
export const STORED_COPY_RETENTION_MS = 7 * 86_400_000;

/**
 * Deletes a post's Dropbox copies. Enqueued (once per post, by its dedupe key) when the first
 * copy is uploaded, to run 7 days later: by then Instagram has long fetched them (a container
 * lives 24 h). A job per post rather than a sweep, because only the module holds Dropbox's client.
 */
export const deleteStoredCopiesJob = defineJob(
  'instapost_delete_copies',
  z.object({ postId: z.number().int().positive() }),
  { priority: JobPriority.background, maxAttempts: 10, logFields: (p) => ({ post_id: p.postId }) },
);
