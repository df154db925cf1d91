import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/** The reminder before a scheduled post (users.notify_before_minutes), which also checks that it can go out. */
export const remindPostJob = defineJob(
  'instapost_remind',
  z.object({ postId: z.number().int().positive(), version: z.number().int().positive() }),
  { priority: JobPriority.background, maxAttempts: 3, logFields: (p) => ({ post_id: p.postId }) },
);
