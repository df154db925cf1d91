import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { formatPlanDate } from './formatPlanDate.js';
import { isPaidPlanId, PAID_PLAN_IDS, type PaidPlanId, PLAN_LIMITS } from './plans.js';
import { formatLimit, planName, UPGRADE_DATA } from './quotaExceeded.js';
import { expireLapsedPlans } from './expireLapsedPlans.js';
import { readPlanUsage } from './readPlanUsage.js';
import { readUserPlan, type UserPlan } from './readUserPlan.js';

export type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/**
 * Extra lines and buttons for /plan from the payments module (the renewal date and toggle),
 * so this file does not depend on how a plan was paid for.
 */
export type PlanExtras = (ctx: DmContext) => Promise<{ lines: string[]; keyboard?: InlineKeyboard }>;

/**
 * The buttons /upgrade shows for the plans the user may buy (the payments module makes them),
 * and any lines to add below the plans.
 */
export type UpgradeButtons = (ctx: DmContext, keyboard: InlineKeyboard, offered: readonly PaidPlanId[], current: UserPlan) => Promise<string[]>;

/** `/plan`: the plan in force, what the user used of each limit, when posts reset and when it renews or ends. */
async function showPlan(ctx: DmContext, extras?: PlanExtras) {
  const { t } = ctx;
  // A plan past its end, not yet swept, is ended first, so /plan counts what it set aside.
  await expireLapsedPlans(ctx.sql, new Date(), { userId: ctx.from.id });
  const usage = await readPlanUsage(ctx.sql, ctx.from.id);
  const { plan } = usage;
  const lines = [t('plan_show', {
    plan: planName(t, plan.plan),
    used: usage.postsUsed, limit: formatLimit(t, plan.limits.postsPerMonth),
    accounts: usage.accounts, accounts_limit: formatLimit(t, plan.limits.instagramAccounts),
    queued: usage.queued, queue_limit: formatLimit(t, plan.limits.queueSize),
    custom: t(plan.limits.customPostingTimes ? 'plan_yes' : 'plan_no'),
    reset_date: await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, plan.period.end),
  })];
  if (usage.setAside > 0) lines.push(t('plan_set_aside', { count: usage.setAside }));
  const more = extras ? await extras(ctx) : { lines: [] };
  if (more.lines.length) lines.push('', ...more.lines);
  else if (plan.until) lines.push('', t('plan_ends', { date: await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, plan.until) }));
  const keyboard = more.keyboard ?? new InlineKeyboard();
  if (plan.plan !== 'business' && plan.plan !== 'friends_family') keyboard.text(t('plan_upgrade_button'), UPGRADE_DATA);
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** `/upgrade` and the Upgrade button: the plans above the user's, with their prices and limits. */
async function showUpgrade(ctx: DmContext, buttons?: UpgradeButtons) {
  const { t } = ctx;
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const rank = PAID_PLAN_IDS.indexOf(plan.plan as (typeof PAID_PLAN_IDS)[number]);
  const offered = plan.plan === 'friends_family' ? [] : PAID_PLAN_IDS.slice(rank + 1);
  // Business has nothing above it, but may still be bought for a year: the buttons decide.
  if (!offered.length && !(isPaidPlanId(plan.plan) && buttons)) {
    return void (await ctx.reply(t('upgrade_top', { plan: planName(t, plan.plan) }), { parse_mode: 'HTML' }));
  }
  const plans = offered.map((p) => t('upgrade_plan_line', {
    plan: planName(t, p), price: ctx.settings.starPrices[p],
    posts: formatLimit(t, PLAN_LIMITS[p].postsPerMonth), accounts: formatLimit(t, PLAN_LIMITS[p].instagramAccounts),
    queue: formatLimit(t, PLAN_LIMITS[p].queueSize),
  }));
  const keyboard = new InlineKeyboard();
  const more = buttons ? await buttons(ctx, keyboard, offered, plan) : [];
  await ctx.reply([t('upgrade_choose', { plan: planName(t, plan.plan) }), '', ...plans, ...(more.length ? ['', ...more] : [])].join('\n'),
    { parse_mode: 'HTML', reply_markup: keyboard });
}

/** /plan, /upgrade and the Upgrade button of every "quota exceeded" message. */
export function planFeature(options: { extras?: PlanExtras; upgradeButtons?: UpgradeButtons } = {}): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const dm = feature.chatType('private');
  dm.command('plan', (ctx) => showPlan(ctx, options.extras));
  dm.callbackQuery('menu:plan', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showPlan(ctx, options.extras);
  });
  dm.command('upgrade', (ctx) => showUpgrade(ctx, options.upgradeButtons));
  dm.callbackQuery(UPGRADE_DATA, async (ctx) => {
    await ctx.answerCallbackQuery();
    await showUpgrade(ctx, options.upgradeButtons);
  });
  return feature;
}
