import * as z from 'zod';
import { defineJob } from '../../queue/defineJob.js';
import { JobPriority } from '../../queue/priority.js';

/** The news an admin's action brings a user, each a message of `locales/*\/admin.json`. */
export const USER_NOTICES = ['admin_notice_unbanned', 'admin_notice_ff_granted', 'admin_notice_ff_removed'] as const;

/**
 * Tells a user what an admin did to their account (unbanned them, granted or removed Friends &
 * Family). Enqueued in the transaction of the change, so the notice exists exactly when the
 * change does (a retried admin update that rolled back enqueued nothing), and sent on its own:
 * the admin's reply never waits on the user's chat, and a failed notice fails nothing else.
 */
export const userNoticeJob = defineJob(
  'admin_user_notice',
  z.object({ userId: z.number().int().positive(), notice: z.enum(USER_NOTICES) }),
  { priority: JobPriority.background, logFields: (p) => ({ user_id: p.userId, notice: p.notice }) },
);
