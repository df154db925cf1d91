import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { MessageKey } from '../../i18n/catalogs.js';
import type { Translator } from '../../i18n/createTranslator.js';
import { formatPlanDate } from './formatPlanDate.js';
import { type Limit, nextPlan, type PlanId, PLAN_LIMITS } from './plans.js';
import type { UserPlan } from './readUserPlan.js';

/** Which limit was reached: posts this period, the scheduled queue, accounts, own posting times, caption templates, or a bulk upload's photos. */
export type QuotaKind = 'posts' | 'queue' | 'accounts' | 'slots' | 'templates' | 'bulk';

/** What a feature reports when a plan's limit refused something. */
export interface QuotaExceeded {
  kind: QuotaKind;
  plan: UserPlan;
  used: number;
  limit: Limit;
}

const LIMIT_OF = { posts: 'postsPerMonth', queue: 'queueSize', accounts: 'instagramAccounts', slots: 'queueSize', templates: 'captionTemplates', bulk: 'bulkUpload' } as const;

/** The callback data of the Upgrade button: /upgrade's plan list. */
export const UPGRADE_DATA = 'plan:upgrade';

export const planName = (t: Translator, plan: PlanId) => t(`plan_name_${plan}`);
export const formatLimit = (t: Translator, limit: Limit) => (limit === null ? t('plan_unlimited') : String(limit));

/**
 * The seed's "quota exceeded" message: what was reached, when posts reset, and the next plan
 * with what it allows, under an Upgrade button (none when nothing sold allows more).
 */
export async function replyQuotaExceeded(ctx: BotContext & { from: { id: number } }, q: QuotaExceeded): Promise<void> {
  const { t } = ctx;
  const next = q.kind === 'slots' ? nextWithCustomTimes(q.plan.plan) : nextPlan(q.plan.plan, LIMIT_OF[q.kind]);
  const params = {
    used: q.used, limit: formatLimit(t, q.limit), plan: planName(t, q.plan.plan),
    reset_date: await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, q.plan.period.end),
    ...(next ? { next_plan: planName(t, next), next_limit: formatLimit(t, PLAN_LIMITS[next][LIMIT_OF[q.kind]]) } : {}),
  };
  // A limit of 0 is a feature the plan lacks (bulk upload on Free and Basic): said so, not "0/0".
  const key: MessageKey = q.kind === 'bulk' && q.limit === 0 ? 'quota_bulk_none'
    : next ? `quota_${q.kind}` : q.kind === 'slots' ? 'quota_slots' : `quota_${q.kind}_top`;
  await ctx.reply(t(key, params), {
    parse_mode: 'HTML',
    ...(next ? { reply_markup: new InlineKeyboard().text(t('plan_upgrade_button'), UPGRADE_DATA) } : {}),
  });
}

function nextWithCustomTimes(plan: PlanId) {
  return PLAN_LIMITS[plan].customPostingTimes ? undefined : (['basic', 'pro', 'business'] as const).find((p) => PLAN_LIMITS[p].customPostingTimes);
}
