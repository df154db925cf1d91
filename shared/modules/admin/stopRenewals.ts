import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { cancelStarSubscriptionJob } from '../payments/cancelStarSubscriptionJob.js';

/**
 * Turns off the renewal of a user's Star subscriptions that would still renew: a job each
 * (editUserStarSubscription with is_canceled, the payments area's), enqueued in the caller's
 * transaction and dedupe-keyed as the payments area keys it. What was paid for runs to its end.
 * Returns how many.
 */
export async function stopRenewals(sql: Queryable, userId: number): Promise<number> {
  const renewing = await sql<{ first_charge_id: string }[]>`
    select first_charge_id from star_subscriptions where user_id = ${userId} and state = 'active' and not canceled_by_bot order by id`;
  for (const sub of renewing) {
    await enqueue(sql, cancelStarSubscriptionJob, { userId, firstChargeId: sub.first_charge_id },
      { dedupeKey: `star_subscription_cancel:${sub.first_charge_id}` });
  }
  return renewing.length;
}
