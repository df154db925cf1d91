import type { Api } from 'grammy';
import { jobHandler } from '../../queue/jobHandler.js';
import type { InstapostServices } from './InstapostServices.js';
import { publishPost } from './publishPost.js';
import { publishPostJob } from './publishPostJob.js';

/** Runs {@link publishPost} for a due post; the last attempt turns a transient failure into a told one. */
export function publishPostHandler(deps: { api: Api; services: InstapostServices }) {
  return jobHandler(publishPostJob, async ({ postId, version }, ctx) => {
    await publishPost({ sql: ctx.sql, api: deps.api, services: deps.services, log: ctx.log,
      lastAttempt: ctx.job.attempts >= ctx.job.max_attempts }, postId, version);
  });
}
