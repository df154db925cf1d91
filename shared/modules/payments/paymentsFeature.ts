import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { countPaymentRefusal } from '../../metrics/countPaymentRefusal.js';
import { isBroadcastAdmin } from '../broadcasts/isBroadcastAdmin.js';
import { formatPlanDate } from '../plans/formatPlanDate.js';
import { ANNUAL_MONTHS_PAID, isPaidPlanId, PAID_PLAN_IDS, type PaidPlanId, PLAN_LIMITS } from '../plans/plans.js';
import type { DmContext, PlanExtras, UpgradeButtons } from '../plans/planFeature.js';
import { formatLimit, planName } from '../plans/quotaExceeded.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { readNoticeRecipient } from '../users/readNoticeRecipient.js';
import { annualCredit } from './annualCredit.js';
import { checkPreCheckout } from './checkPreCheckout.js';
import { recordRefund } from './recordRefund.js';
import { recordStarPayment } from './recordStarPayment.js';
import { requestAdminRefund } from './requestAdminRefund.js';
import { createStarInvoice } from './starInvoices.js';

/** Telegram accepts only this subscription period: 30 days. */
export const SUBSCRIPTION_PERIOD_S = 2_592_000;

type Ctx = DmContext;

/** /upgrade's buttons: each plan above the user's, monthly and for a year, and the terms. */
export const upgradeButtons: UpgradeButtons = async (ctx, keyboard, offered, current) => {
  const { t } = ctx;
  const annual: PaidPlanId[] = [...(isPaidPlanId(current.plan) ? [current.plan] : []), ...offered];
  for (const plan of offered) {
    keyboard.text(t('upgrade_buy_monthly', { plan: planName(t, plan), price: ctx.settings.starPrices[plan] }), `pay:buy:m:${plan}`).row();
  }
  for (const plan of annual) {
    keyboard.text(t('upgrade_buy_annual', { plan: planName(t, plan), price: ctx.settings.starPrices[plan] * ANNUAL_MONTHS_PAID }), `pay:buy:y:${plan}`).row();
  }
  return [t('upgrade_terms_note')];
};

interface SubscriptionRow { id: number; plan: PaidPlanId; first_charge_id: string; expires_at: Date; state: string; canceled_by_bot: boolean }

async function liveSubscription(ctx: Ctx): Promise<SubscriptionRow | undefined> {
  const [row] = await ctx.sql<SubscriptionRow[]>`
    select id, plan, first_charge_id, expires_at, state, canceled_by_bot from star_subscriptions
    where user_id = ${ctx.from.id} and expires_at > now() order by expires_at desc limit 1`;
  return row;
}

/** /plan's renewal line and toggle, for a plan paid by a Star subscription. */
export const planExtras: PlanExtras = async (ctx) => {
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const sub = await liveSubscription(ctx);
  if (!sub || sub.plan !== plan.plan || plan.source !== 'payment') return { lines: [] };
  const { t } = ctx;
  const date = await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, sub.expires_at);
  const name = planName(t, sub.plan);
  const keyboard = new InlineKeyboard();
  if (sub.state === 'failed') return { lines: [t('plan_renewal_failed', { plan: name, date })] };
  if (sub.state === 'canceled' || sub.canceled_by_bot) {
    keyboard.text(t('plan_turn_renewal_on'), `pay:renew:on:${sub.id}`).row();
    return { lines: [t('plan_renewal_off', { plan: name, date })], keyboard };
  }
  keyboard.text(t('plan_turn_renewal_off'), `pay:renew:off:${sub.id}`).row();
  return { lines: [t('plan_renews_on', { date, price: ctx.settings.starPrices[sub.plan] })], keyboard };
};

/** Sends a monthly subscription link: the invoice is recorded first, so pre-checkout can check it. */
async function buyMonthly(ctx: Ctx, plan: PaidPlanId) {
  const { t } = ctx;
  const price = ctx.settings.starPrices[plan];
  const invoice = await createStarInvoice(ctx.sql, { userId: ctx.from.id, plan, kind: 'subscription', amount: price });
  const name = planName(t, plan);
  const limits = PLAN_LIMITS[plan];
  // grammY: createInvoiceLink still takes provider_token 4th; Stars take "" (sendInvoice has none since 1.24).
  const link = await ctx.api.createInvoiceLink(
    t('invoice_title_monthly', { plan: name }),
    htmlToText(t('invoice_description_monthly', { plan: name, posts: formatLimit(t, limits.postsPerMonth), accounts: formatLimit(t, limits.instagramAccounts) })),
    invoice.payload, '', 'XTR', [{ label: t('invoice_label', { plan: name }), amount: price }],
    { subscription_period: SUBSCRIPTION_PERIOD_S },
  );
  await ctx.reply(t('invoice_link_ready', { plan: name, price }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().url(t('invoice_pay_button', { price }), link),
  });
}

/**
 * Sends an annual invoice (a one-off sendInvoice: Telegram sells subscriptions only as 30-day
 * links): ten months' price, less what is left of the current paid plan, as the user is told.
 */
async function buyAnnual(ctx: Ctx, plan: PaidPlanId) {
  const { t } = ctx;
  const current = await readUserPlan(ctx.sql, ctx.from.id);
  const full = ctx.settings.starPrices[plan] * ANNUAL_MONTHS_PAID;
  const credit = Math.min(full - 1, await annualCredit(ctx.sql, ctx.from.id, current));
  const amount = full - credit;
  const invoice = await createStarInvoice(ctx.sql, { userId: ctx.from.id, plan, kind: 'annual', amount, credit });
  const name = planName(t, plan);
  if (credit > 0 && current.until) {
    await ctx.reply(t('invoice_annual_credit', { credit, old_plan: planName(t, current.plan), full, price: amount,
      until: await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, current.until) }), { parse_mode: 'HTML' });
  }
  const limits = PLAN_LIMITS[plan];
  await ctx.api.sendInvoice(ctx.chat.id, t('invoice_title_annual', { plan: name }),
    htmlToText(t('invoice_description_annual', { plan: name, posts: formatLimit(t, limits.postsPerMonth), accounts: formatLimit(t, limits.instagramAccounts) })),
    invoice.payload, 'XTR', [{ label: t('invoice_label', { plan: name }), amount }]);
}

/** Whether the user may buy `plan` now: above their plan (monthly), or it or above (a year). */
function mayBuy(current: string, plan: PaidPlanId, kind: 'm' | 'y'): boolean {
  if (current === 'friends_family') return false;
  const rank = PAID_PLAN_IDS.indexOf(current as PaidPlanId);
  const wanted = PAID_PLAN_IDS.indexOf(plan);
  return kind === 'm' ? wanted > rank : wanted >= rank;
}

async function toggleRenewal(ctx: Ctx, subscriptionId: number, turnOff: boolean) {
  const { t } = ctx;
  const [sub] = await ctx.sql<SubscriptionRow[]>`
    select id, plan, first_charge_id, expires_at, state, canceled_by_bot from star_subscriptions
    where id = ${subscriptionId} and user_id = ${ctx.from.id}`;
  if (!sub) return void (await ctx.reply(t('post_gone')));
  // Telegram re-enables only what the bot canceled; the user's own cancellation is theirs to undo.
  if (!turnOff && sub.state === 'canceled' && !sub.canceled_by_bot) return void (await ctx.reply(t('renewal_cannot_resume')));
  try {
    await ctx.api.editUserStarSubscription(ctx.from.id, sub.first_charge_id, turnOff);
  } catch (err) {
    ctx.log.warn({ err }, 'editUserStarSubscription failed');
    return void (await ctx.reply(t('renewal_unavailable')));
  }
  await ctx.sql`
    update star_subscriptions set canceled_by_bot = ${turnOff}, state = ${turnOff ? 'canceled' : 'active'}, updated_at = now()
    where id = ${sub.id}`;
  const date = await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, sub.expires_at);
  await ctx.reply(t(turnOff ? 'renewal_turned_off' : 'renewal_turned_on', { plan: planName(t, sub.plan), date }), { parse_mode: 'HTML' });
}

async function showPayments(ctx: Ctx) {
  const { t } = ctx;
  const rows = await ctx.sql<{ charge_id: string; plan: PaidPlanId | null; kind: string | null; amount: number; is_recurring: boolean; refunded_at: Date | null; created_at: Date }[]>`
    select charge_id, plan, kind, amount, is_recurring, refunded_at, created_at from star_payments
    where user_id = ${ctx.from.id} order by created_at desc limit 20`;
  if (!rows.length) return void (await ctx.reply(t('payments_none')));
  const lines = [t('payments_title'), ''];
  for (const r of rows) {
    if (r.plan === null) {
      // Matched nothing we sold (status 'unmatched'): the operators refund it.
      const date = await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, r.created_at);
      lines.push(t(r.refunded_at ? 'payments_line_unmatched_refunded' : 'payments_line_unmatched', { date, amount: r.amount, charge: r.charge_id }));
      continue;
    }
    const kind = t(r.kind === 'annual' ? 'payments_kind_annual' : r.is_recurring ? 'payments_kind_renewal' : 'payments_kind_subscription');
    const params = { date: await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, r.created_at), plan: planName(t, r.plan), kind, amount: r.amount, charge: r.charge_id };
    lines.push(t(r.refunded_at ? 'payments_line_refunded' : 'payments_line', params));
  }
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML' });
}

async function adminIds(ctx: BotContext): Promise<number[]> {
  const rows = await ctx.sql<{ id: number }[]>`select id from users where is_admin`;
  return [...new Set([...ctx.settings.adminTelegramIds, ...rows.map((r) => Number(r.id))])];
}

/**
 * Payments in Telegram Stars: the plan buttons' invoices, pre-checkout, successful_payment
 * (first payments and renewals), subscription updates, refunds, /payments, /paysupport, /terms.
 */
export function paymentsFeature(): Composer<BotContext> {
  const feature = new Composer<BotContext>();

  // Telegram waits at most 10 s: the query is routed without a chat key at interactive priority
  // (routeUpdate.ts), and answered after a few indexed reads.
  feature.on('pre_checkout_query', async (ctx) => {
    const verdict = await checkPreCheckout(ctx.sql, ctx.preCheckoutQuery);
    if (verdict.ok) return void (await ctx.answerPreCheckoutQuery(true));
    ctx.log.info({ reason: verdict.reason }, 'pre-checkout refused');
    countPaymentRefusal(ctx.metrics, verdict.reason); // for the payment_failures alert (docs/METRICS.md)
    await ctx.answerPreCheckoutQuery(false, { error_message: htmlToText(ctx.t(verdict.message)) });
  });

  feature.on('message:successful_payment', async (ctx) => {
    const p = ctx.message.successful_payment;
    const result = await recordStarPayment(ctx.sql, {
      userId: ctx.from.id, chargeId: p.telegram_payment_charge_id, amount: p.total_amount, currency: p.currency,
      payload: p.invoice_payload, isRecurring: p.is_recurring === true, expiresAt: p.subscription_expiration_date, source: 'update',
      payer: ctx.from,
    });
    if (result.status === 'duplicate') return void ctx.log.info({ charge_id: p.telegram_payment_charge_id }, 'payment already recorded');
    if (result.status === 'unknown') {
      // Recorded as 'unmatched' (once): an admin refunds it with /admin_refund; a redelivery says nothing more.
      ctx.log.warn({ charge_id: p.telegram_payment_charge_id, reason: result.reason, stored: result.stored }, 'payment for no invoice of ours');
      if (result.stored) await ctx.reply(ctx.t('payment_unknown'));
      return;
    }
    if (result.status === 'kept') return void (await ctx.reply(ctx.t('payment_kept_ff')));
    // Only a charge the reconciliation found late is recorded without a grant; an update's is never late.
    if (result.status === 'recorded') return void ctx.log.warn({ charge_id: p.telegram_payment_charge_id, reason: result.reason }, 'payment recorded, not granted');
    if (result.status === 'superseded') {
      return void (await ctx.reply(ctx.t('payment_superseded', { amount: result.amount, old_plan: planName(ctx.t, result.paidPlan), plan: planName(ctx.t, result.plan.plan) }),
        { parse_mode: 'HTML' }));
    }
    const until = await formatPlanDate(ctx.sql, ctx.from.id, ctx.locale, result.until);
    const thanks = ctx.t(result.renewal ? 'payment_thanks_renewal' : 'payment_thanks', { plan: planName(ctx.t, result.paidPlan), until });
    await ctx.reply(result.unflagged ? `${thanks}\n${ctx.t('flagged_back_after_payment', { count: result.unflagged })}` : thanks, { parse_mode: 'HTML' });
  });

  // A refund Telegram reports (one we made, or one it made itself): ends the plan once.
  feature.on('message:refunded_payment', async (ctx) => {
    const refund = ctx.message.refunded_payment;
    const result = await recordRefund(ctx.sql, { chargeId: refund.telegram_payment_charge_id, source: 'telegram' });
    ctx.log.info({ charge_id: refund.telegram_payment_charge_id, status: result.status }, 'refunded_payment');
  });

  // Bot API 10.2: canceled / re-enabled / a renewal that failed, without a charge id: matched on user and payload.
  feature.on('subscription', async (ctx) => {
    const { user, invoice_payload: payload, state } = ctx.update.subscription!;
    const [sub] = await ctx.sql<{ plan: PaidPlanId; expires_at: Date }[]>`
      update star_subscriptions set state = ${state}, canceled_by_bot = case when ${state} = 'active' then false else canceled_by_bot end, updated_at = now()
      where user_id = ${user.id} and payload = ${payload} returning plan, expires_at`;
    if (!sub) return void ctx.log.warn({ state }, 'subscription update for no subscription of ours');
    // Told as any notice is (the user's language, nothing to a banned user: a ban cancels renewals, and Telegram reports it).
    const recipient = await readNoticeRecipient(ctx.sql, user.id);
    if (!recipient) return void ctx.log.info({ user_id: user.id, state }, 'subscription update for a banned user: not told');
    const t = createTranslator(recipient.locale);
    const date = await formatPlanDate(ctx.sql, user.id, recipient.locale, sub.expires_at);
    const key = state === 'canceled' ? 'subscription_canceled' : state === 'active' ? 'subscription_active' : 'subscription_failed';
    try {
      await ctx.api.sendMessage(user.id, t(key, { plan: planName(t, sub.plan), date }), { parse_mode: 'HTML' });
    } catch (err) {
      ctx.log.warn({ err }, 'could not tell the user about their subscription');
    }
  });

  const dm = feature.chatType('private');
  dm.callbackQuery(/^pay:buy:([my]):(basic|pro|business)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const kind = ctx.match[1] as 'm' | 'y';
    const plan = ctx.match[2] as PaidPlanId;
    const current = await readUserPlan(ctx.sql, ctx.from.id);
    if (!mayBuy(current.plan, plan, kind)) return void (await ctx.reply(ctx.t('invoice_already_top')));
    await (kind === 'm' ? buyMonthly(ctx, plan) : buyAnnual(ctx, plan));
  });
  dm.callbackQuery(/^pay:renew:(on|off):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await toggleRenewal(ctx, Number(ctx.match[2]), ctx.match[1] === 'off');
  });
  dm.command('payments', showPayments);
  dm.command('terms', (ctx) => ctx.reply(ctx.t('terms_text'), { parse_mode: 'HTML' }));
  dm.command('paysupport', async (ctx) => {
    const text = ctx.match.trim();
    if (!text) return void (await ctx.reply(ctx.t('paysupport_text'), { parse_mode: 'HTML' }));
    for (const admin of await adminIds(ctx)) {
      try {
        await ctx.api.sendMessage(admin, ctx.t('paysupport_to_admin', { name: ctx.from.first_name, user_id: String(ctx.from.id), text }), { parse_mode: 'HTML' });
      } catch (err) {
        ctx.log.warn({ err }, 'could not pass a payment question to an admin');
      }
    }
    await ctx.reply(ctx.t('paysupport_sent'));
  });

  // An admin refunds a charge. Checked on the server; anyone else gets the ordinary unknown command.
  // The request is committed with its job in this update's transaction; the job makes the call
  // and tells the admin how it went (adminRefundHandler.ts).
  dm.command('admin_refund', async (ctx, next) => {
    if (!(await isBroadcastAdmin(ctx.sql, ctx.from.id, ctx.settings.adminTelegramIds))) return next();
    const chargeId = ctx.match.trim();
    if (!chargeId) return void (await ctx.reply(ctx.t('refund_usage'), { parse_mode: 'HTML' }));
    const result = await requestAdminRefund(ctx.sql, { chargeId, adminId: ctx.from.id });
    switch (result.status) {
      case 'unknown': return void (await ctx.reply(ctx.t('refund_not_found', { charge: chargeId }), { parse_mode: 'HTML' }));
      case 'already': return void (await ctx.reply(ctx.t('refund_already', { when: result.refundedAt.toISOString() })));
      case 'under_way': return void (await ctx.reply(ctx.t('refund_under_way', { charge: chargeId, admin: String(result.requestedBy),
        when: result.requestedAt.toISOString() }), { parse_mode: 'HTML' }));
      case 'requested': return void (await ctx.reply(ctx.t('refund_requested', { charge: chargeId }), { parse_mode: 'HTML' }));
    }
  });
  return feature;
}
