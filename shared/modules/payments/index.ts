import type { BotModule } from '../../bot/BotModule.js';
import { enqueue } from '../../queue/enqueue.js';
import { adminRefundHandler } from './adminRefundHandler.js';
import { cancelStarSubscriptionHandler } from './cancelStarSubscriptionHandler.js';
import { paymentsFeature, planExtras, upgradeButtons } from './paymentsFeature.js';
import { planNoticeHandler } from './planNoticeHandler.js';
import { reconcileStarsHandler } from './reconcileStarsHandler.js';
import { reconcileStarsJob } from './reconcileStarsJob.js';
import { refundOutcomeHandler } from './refundOutcomeHandler.js';
import { refundSupersededHandler } from './refundSupersededHandler.js';
import { sweepPlans } from './sweepPlans.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** What /plan and /upgrade (the plans module) show of payments: the renewal and the buy buttons. */
export const paymentPlanHooks = { extras: planExtras, upgradeButtons };

/**
 * Payments in Telegram Stars (docs/PAYMENTS.md): subscriptions and annual plans, pre-checkout,
 * renewals, subscription updates, refunds, the daily reconciliation, /payments, /paysupport and
 * /terms (Telegram's developer terms require /paysupport of every bot that sells).
 */
export const paymentsModule: BotModule = {
  name: 'payments',
  commands: ['payments', 'paysupport', 'terms'],
  updates: ['pre_checkout_query', 'subscription'],
  feature: paymentsFeature(),
  periodicTasks: [
    // Reminders 3 days before a plan that does not renew ends, and the fall back to Free.
    { name: 'sweep_plans', everyMs: HOUR, run: (sql) => sweepPlans(sql) },
    // The seed's "daily job validates subscription status with Telegram": getStarTransactions needs the bot's API, so a job.
    { name: 'reconcile_star_payments', everyMs: DAY, run: async (sql) => {
      const day = Math.floor(Date.now() / DAY);
      await enqueue(sql, reconcileStarsJob, { day }, { dedupeKey: `reconcile_star_payments:${day}` });
      return { enqueued: 1 };
    } },
  ],
  jobs: (deps) => [
    adminRefundHandler({ api: deps.api }),
    cancelStarSubscriptionHandler({ api: deps.rawApi }),
    planNoticeHandler({ api: deps.api }),
    reconcileStarsHandler({ api: deps.api, adminTelegramIds: deps.settings.adminTelegramIds }),
    refundOutcomeHandler({ api: deps.api }),
    refundSupersededHandler({ api: deps.api }),
  ],
};
