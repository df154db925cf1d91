import type { Api } from 'grammy';
import { pickLocale } from '../../i18n/pickLocale.js';
import { jobHandler } from '../../queue/jobHandler.js';
import { tellUser } from '../users/tellUser.js';
import { formatPlanDate } from '../plans/formatPlanDate.js';
import { PLAN_LIMITS } from '../plans/plans.js';
import { formatLimit, planName } from '../plans/quotaExceeded.js';
import { planNoticeJob } from '../plans/planNoticeJob.js';
import { readSetAside, renderSetAside } from '../instapost/setAsideNotice.js';

/** Sends a plan notice in the user's language; a user who blocked the bot is skipped (tellUser). */
export function planNoticeHandler(deps: { api: Api }) {
  return jobHandler(planNoticeJob, async (p, ctx) => {
    const [user] = await ctx.sql<{ locale: string | null; language_code: string | null }[]>`
      select locale, language_code from users where id = ${p.userId}`;
    const locale = pickLocale(user?.locale, user?.language_code ?? undefined);
    const date = p.date ? await formatPlanDate(ctx.sql, p.userId, locale, new Date(p.date)) : '';
    // The posts set aside when the plan ended (flagged in its transaction), as they are now.
    const setAside = p.notice === 'expired' || p.notice === 'refunded' ? await readSetAside(ctx.sql, p.userId) : undefined;
    await tellUser(ctx.sql, deps.api, ctx.log, p.userId, (t) => {
      const plan = planName(t, p.plan);
      const free = PLAN_LIMITS.free;
      const withSetAside = (text: string) => {
        if (!setAside) return text;
        const extra = renderSetAside(t, setAside);
        return { text: `${text}\n\n${extra.text}`, keyboard: extra.keyboard };
      };
      switch (p.notice) {
        case 'refunded': return withSetAside(t('payment_refunded', { amount: p.amount ?? 0, plan }));
        case 'refunded_kept': return t('payment_refunded_kept', { amount: p.amount ?? 0, plan });
        case 'refunded_unmatched': return t('payment_refunded_unmatched', { amount: p.amount ?? 0 });
        case 'reminder': return t('plan_expiry_reminder', { plan, date });
        case 'granted': return t('payment_thanks', { plan, until: date });
        case 'expired': return withSetAside(t('plan_expired', { plan, posts: formatLimit(t, free.postsPerMonth), queue: formatLimit(t, free.queueSize),
          accounts: formatLimit(t, free.instagramAccounts) }));
      }
    });
  });
}
