import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * Publishes one post at its time. `version` is the post's version when the job was made: a job
 * for a version the post has left (rescheduled, cancelled, "Post now") does nothing. Many
 * attempts, since transient Graph failures (throttling, a container still processing) are
 * normal; each attempt starts by reading what the last one recorded.
 */
export const publishPostJob = defineJob(
  'instapost_publish',
  z.object({ postId: z.number().int().positive(), version: z.number().int().positive() }),
  { priority: JobPriority.background, maxAttempts: 10, logFields: (p) => ({ post_id: p.postId }) },
);
