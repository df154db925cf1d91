import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/**
 * The reminder before a scheduled post (users.notify_before_minutes), which also checks that it
 * can go out. `minutes` is the setting it was made for: when the user changes the setting, new
 * reminders are enqueued and the older ones find it changed and do nothing (jobs made before the
 * field existed have none and remind only once the current setting's moment has come).
 */
export const remindPostJob = defineJob(
  'instapost_remind',
  z.object({ postId: z.number().int().positive(), version: z.number().int().positive(), minutes: z.number().int().positive().optional() }),
  { priority: JobPriority.background, maxAttempts: 3, logFields: (p) => ({ post_id: p.postId }) },
);
