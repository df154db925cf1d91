import type { Api } from 'grammy';
import { jobHandler } from '../../queue/jobHandler.js';
import { cancelStarSubscriptionJob } from './cancelStarSubscriptionJob.js';

export function cancelStarSubscriptionHandler(deps: { api: Api }) {
  return jobHandler(cancelStarSubscriptionJob, async (p, ctx) => {
    await deps.api.editUserStarSubscription(p.userId, p.firstChargeId, true);
    await ctx.sql`
      update star_subscriptions set canceled_by_bot = true, updated_at = now()
      where first_charge_id = ${p.firstChargeId} and user_id = ${p.userId}`;
  });
}
