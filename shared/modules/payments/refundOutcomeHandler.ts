import type { Api } from 'grammy';
import { escapeHtml } from '../../i18n/escapeHtml.js';
import { jobHandler } from '../../queue/jobHandler.js';
import { planName } from '../plans/quotaExceeded.js';
import { tellUser } from '../users/tellUser.js';
import { refundOutcomeJob } from './refundOutcomeJob.js';

/** Sends the admin their refund's outcome in their language (tellUser: best effort). */
export function refundOutcomeHandler(deps: { api: Api }) {
  return jobHandler(refundOutcomeJob, async (p, ctx) => {
    await tellUser(ctx.sql, deps.api, ctx.log, p.adminId, (t) => {
      const common = { charge: p.chargeId, amount: p.amount, user_id: String(p.userId) };
      switch (p.outcome) {
        case 'refunded': return t('refund_done', { ...common, ended: p.ended ? planName(t, p.ended) : '—' });
        case 'already': return t('refund_outcome_already', common);
        case 'failed': return t('refund_failed', { ...common, error: escapeHtml(p.error ?? '') });
        case 'unknown': return t('refund_outcome_unknown', { ...common, error: escapeHtml(p.error ?? '') });
      }
    });
  });
}
