import type { Queryable } from '../../db/Queryable.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { keepFlaggedPosts } from '../instapost/keepFlaggedPosts.js';
import { grantPlan } from '../plans/grantPlan.js';
import { type PaidPlanId, PLAN_IDS } from '../plans/plans.js';
import { readUserPlan, type UserPlan } from '../plans/readUserPlan.js';
import { cancelStarSubscriptionJob } from './cancelStarSubscriptionJob.js';
import { refundSupersededJob } from './refundSupersededJob.js';
import { type InvoiceKind, readInvoiceByPayload } from './starInvoices.js';

/** Why a charge matched nothing we sold. */
export type UnmatchedReason = 'unknown-invoice' | 'other-user' | 'amount';

/** A year of an annual plan. */
export const ANNUAL_MS = 365 * 86_400_000;

/** A charge as successful_payment (or getStarTransactions) reports it. */
export interface StarCharge {
  userId: number;
  chargeId: string;
  amount: number;
  currency: string;
  payload: string;
  isRecurring?: boolean;
  /** subscription_expiration_date (Unix seconds), for a subscription's payments. */
  expiresAt?: number;
  source: 'update' | 'reconciliation';
  /** When it was charged (reconciliation: the transaction's date); default now. */
  at?: Date;
  /** The payer as Telegram describes them: a payer the bot never met is added to users to hold an unmatched charge. */
  payer?: { first_name: string; username?: string; language_code?: string };
}

export type RecordedCharge =
  | { status: 'duplicate' }
  /** Matches nothing we sold: recorded as 'unmatched' (refundable, granting nothing); `stored` false when already recorded. */
  | { status: 'unknown'; reason: UnmatchedReason; stored: boolean }
  /** `unflagged`: posts set aside when an earlier plan ended that the new plan's queue took back. */
  | { status: 'granted'; plan: UserPlan; paidPlan: PaidPlanId; kind: InvoiceKind; renewal: boolean; until: Date; unflagged: number }
  | { status: 'kept'; plan: UserPlan; paidPlan: PaidPlanId; kind: InvoiceKind; renewal: boolean; until: Date }
  /**
   * A renewal of a subscription another paid plan replaced: not granted. `refunding`: charged
   * after the replacement, so it paid for nothing and is being refunded; false for an older
   * renewal the reconciliation found late (its period was served before the replacement).
   */
  | { status: 'superseded'; plan: UserPlan; paidPlan: PaidPlanId; amount: number; refunding: boolean }
  /**
   * A charge the reconciliation found late that is recorded but not granted, the plan in force
   * kept (docs/PAYMENTS.md, "A charge found late"): it paid for a period already past ('past'),
   * the user has a plan granted since ('replaced'), or granting it would lower their plan
   * ('lower') or end a plan paid to a later date ('shorter'). `stoppedRenewal`: its subscription's
   * renewal is being turned off (it would go on charging for a plan the user does not get).
   */
  | { status: 'recorded'; reason: LateChargeReason; plan: UserPlan; paidPlan: PaidPlanId; amount: number; stoppedRenewal: boolean };

/** Why a charge found late was recorded without a grant. */
export type LateChargeReason = 'past' | 'replaced' | 'lower' | 'shorter';

/**
 * Records a charge and grants what it paid for, in the caller's transaction (the update's), so
 * the record and the grant commit together. The charge id is the primary key: a redelivered,
 * or concurrently delivered, successful_payment inserts nothing and grants nothing ('duplicate';
 * the second transaction waits on the first's row and then sees the conflict).
 *
 * - A subscription's first payment starts a star_subscriptions row with its charge id (which
 *   editUserStarSubscription needs); a renewal (is_recurring) moves its end to the latest
 *   subscription_expiration_date. The plan lasts until then.
 * - An annual payment adds 365 days, from the current end when it extends the same plan.
 * - Other live subscriptions of the user are superseded: their renewal is turned off by a job
 *   enqueued here (the upgraded plan replaces them). A renewal of one of them that Telegram
 *   charged anyway is not granted but refunded ('superseded').
 * - A Friends & Family member keeps F&F ('kept'); the charge is recorded for a refund, and a
 *   subscription's renewal is turned off so it charges no more.
 * - A charge that matches nothing we sold (no invoice with its payload, another user's invoice,
 *   an amount other than the invoice's) grants nothing and is recorded as 'unmatched', once, so
 *   an admin can refund it ('unknown').
 * - A charge the reconciliation found late (`at` days ago) is judged against the plan in force
 *   now, not at its date (lateChargeFate): recorded without a grant when its period is over or
 *   granting it would replace a plan granted since, lower the plan or end it sooner
 *   ('recorded'); otherwise granted from now (the billing period is never moved back), an
 *   extension of the same plan only ever moving its end later.
 */
export async function recordStarPayment(tx: Queryable, charge: StarCharge): Promise<RecordedCharge> {
  const now = new Date();
  const at = charge.at ?? now;
  const invoice = await readInvoiceByPayload(tx, charge.payload);
  const unmatched: UnmatchedReason | undefined = !invoice ? 'unknown-invoice' : invoice.user_id !== charge.userId ? 'other-user'
    : charge.currency !== 'XTR' || charge.amount !== invoice.amount ? 'amount' : undefined;
  if (!invoice || unmatched) return { status: 'unknown', reason: unmatched!, stored: await recordUnmatched(tx, charge, unmatched!, at) };
  const kind = invoice.kind;
  const renewal = kind === 'subscription' && invoice.paid_charge_id !== null && invoice.paid_charge_id !== charge.chargeId;
  const paidUntil = kind === 'subscription'
    ? new Date((charge.expiresAt ?? Math.floor(at.getTime() / 1000) + 2_592_000) * 1000)
    : null;
  const inserted = await tx`
    insert into star_payments (charge_id, user_id, invoice_id, plan, kind, amount, payload, is_recurring, paid_until, source, created_at)
    values (${charge.chargeId}, ${charge.userId}, ${invoice.id}, ${invoice.plan}, ${kind}, ${charge.amount}, ${charge.payload},
            ${renewal}, ${paidUntil}, ${charge.source}, ${at})
    on conflict (charge_id) do nothing returning charge_id`;
  if (!inserted.length) return { status: 'duplicate' };
  await tx`update star_invoices set paid_charge_id = ${charge.chargeId} where id = ${invoice.id} and paid_charge_id is null`;

  // The plan in force now, and (for a charge found late) as its row read at the charge's date:
  // a renewal charged after a replacement is judged by the replacement's grant.
  const before = await readUserPlan(tx, charge.userId, now);
  const beforeAt = at.getTime() === now.getTime() ? before : await readUserPlan(tx, charge.userId, at);
  // A renewal of a subscription the user has since replaced with another paid plan (Telegram
  // charged it before our editUserStarSubscription took effect): granting it would move them
  // back to the old plan, and they would have paid for both. It is recorded, its renewal turned
  // off again, and refunded by a job (the row just inserted is the refund's intent record).
  if (renewal && beforeAt.source === 'payment' && beforeAt.plan !== invoice.plan) {
    const refunding = beforeAt.grantedAt === null || at.getTime() >= beforeAt.grantedAt.getTime();
    const [sub] = await tx<{ id: number; first_charge_id: string }[]>`
      select id, first_charge_id from star_subscriptions where user_id = ${charge.userId} and payload = ${charge.payload}`;
    if (sub) {
      await tx`update star_payments set subscription_id = ${sub.id} where charge_id = ${charge.chargeId}`;
      await enqueue(tx, cancelStarSubscriptionJob, { userId: charge.userId, firstChargeId: sub.first_charge_id },
        { dedupeKey: `star_subscription_cancel:${sub.first_charge_id}` });
    }
    if (refunding) {
      await enqueue(tx, refundSupersededJob, { userId: charge.userId, chargeId: charge.chargeId },
        { dedupeKey: `star_payment_refund_superseded:${charge.chargeId}` });
    }
    await recordAudit(tx, { actorId: null, action: 'payment.received', subjectUserId: charge.userId,
      details: { charge_id: charge.chargeId, plan: invoice.plan, kind, stars: charge.amount, renewal, source: charge.source, superseded_by: beforeAt.plan, refunding } });
    return { status: 'superseded', plan: beforeAt, paidPlan: invoice.plan, amount: charge.amount, refunding };
  }
  let until: Date;
  let sub: { id: number; expires_at: Date; first_charge_id: string } | undefined;
  if (kind === 'subscription') {
    [sub] = await tx<{ id: number; expires_at: Date; first_charge_id: string }[]>`
      insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at)
      values (${charge.userId}, ${invoice.plan}, ${charge.payload}, ${charge.chargeId}, ${paidUntil})
      on conflict (user_id, payload) do update set
        expires_at = greatest(star_subscriptions.expires_at, excluded.expires_at),
        state = case when star_subscriptions.state = 'failed' then 'active' else star_subscriptions.state end,
        updated_at = now()
      returning id, expires_at, first_charge_id`;
    await tx`update star_payments set subscription_id = ${sub!.id} where charge_id = ${charge.chargeId}`;
    until = sub!.expires_at;
  } else {
    const from = before.plan === invoice.plan && before.until && before.until > at ? before.until : at;
    until = new Date(from.getTime() + ANNUAL_MS);
    await tx`update star_payments set paid_until = ${until} where charge_id = ${charge.chargeId}`;
  }
  await recordAudit(tx, { actorId: null, action: 'payment.received', subjectUserId: charge.userId,
    details: { charge_id: charge.chargeId, plan: invoice.plan, kind, stars: charge.amount, renewal, source: charge.source } });
  const stopRenewal = async () => {
    if (!sub) return false;
    await enqueue(tx, cancelStarSubscriptionJob, { userId: charge.userId, firstChargeId: sub.first_charge_id },
      { dedupeKey: `star_subscription_cancel:${sub.first_charge_id}` });
    return true;
  };
  // F&F has everything: stop the subscription so it charges no more (the user may ask for a refund).
  if (before.plan === 'friends_family') {
    await stopRenewal();
    return { status: 'kept', plan: before, paidPlan: invoice.plan, kind, renewal, until };
  }

  if (charge.source === 'reconciliation') {
    // Its own period's end: what this charge paid for, apart from the subscription's later renewals.
    const paidEnd = kind === 'subscription' ? paidUntil! : new Date(at.getTime() + ANNUAL_MS);
    const late = lateChargeFate(before, invoice.plan, at, paidEnd, now);
    if (late) {
      // A past period's subscription may still be the one carrying the plan (its later renewals): left alone.
      const stoppedRenewal = late !== 'past' && paidEnd > now ? await stopRenewal() : false;
      return { status: 'recorded', reason: late, plan: before, paidPlan: invoice.plan, amount: charge.amount, stoppedRenewal };
    }
    // The plan it extends keeps its later end (a year bought since, a later renewal recorded
    // first); a subscription that plan outlasts would go on charging for nothing: stopped.
    if (before.plan === invoice.plan && before.until && before.until > until) {
      until = before.until;
      await stopRenewal();
    }
  }

  // `now`, not the charge's date: a charge found late starts (or extends) the plan from the
  // present, so the billing period in force is neither moved back nor cut short.
  const plan = await grantPlan(tx, { userId: charge.userId, plan: invoice.plan, until, source: 'payment', reason: `charge ${charge.chargeId}`, now });
  // The Upgrade the set-aside notice offered: posts set aside when the last plan ended come back
  // as far as the new queue allows, earliest first.
  const back = await keepFlaggedPosts(tx, charge.userId, 'fit');
  if (before.plan !== plan.plan) {
    await recordAudit(tx, { actorId: null, action: 'plan.change', subjectUserId: charge.userId,
      details: { from: before.plan, to: plan.plan, until: until.toISOString(), charge_id: charge.chargeId } });
  }
  // The upgrade replaces the user's other subscriptions: stop their renewals (after this commits).
  const others = await tx<{ first_charge_id: string }[]>`
    select first_charge_id from star_subscriptions
    where user_id = ${charge.userId} and payload <> ${charge.payload} and state = 'active' and not canceled_by_bot and expires_at > ${now}`;
  for (const other of others) {
    await enqueue(tx, cancelStarSubscriptionJob, { userId: charge.userId, firstChargeId: other.first_charge_id },
      { dedupeKey: `star_subscription_cancel:${other.first_charge_id}` });
  }
  return { status: 'granted', plan, paidPlan: invoice.plan, kind, renewal, until, unflagged: back.status === 'kept' ? back.kept.length : 0 };
}

/**
 * Whether a charge the reconciliation found late is to be recorded without a grant, judged
 * against the plan in force `now` (docs/PAYMENTS.md, "A charge found late"); undefined: grant it
 * as it would have been granted on time. It never takes anything away: not a plan granted since
 * the charge, not a higher plan, not a paid end later than its own.
 * - 'past': what it paid for ended before it was found.
 * - 'replaced': the user has another plan granted after the charge (bought since, an admin's).
 * - 'lower': the plan in force, granted before the charge, is higher.
 * - 'shorter': a higher plan, but the plan in force was paid (or granted) to a later end and does
 *   not renew (a year, an admin's grant): moving up now would end the user's access sooner; or
 *   the same plan granted with no end, which a dated grant would end. A
 *   renewing monthly plan gives way, as on an upgrade on time (the rest of its month is not credited).
 */
export function lateChargeFate(before: UserPlan, plan: PaidPlanId, at: Date, paidEnd: Date, now: Date): LateChargeReason | undefined {
  if (paidEnd.getTime() <= now.getTime()) return 'past';
  if (before.plan === 'free') return undefined;
  // The same plan is extended, unless it has no end at all (an admin's open grant): a date would end it.
  if (before.plan === plan) return before.until === null ? 'shorter' : undefined;
  if (before.grantedAt && before.grantedAt.getTime() > at.getTime()) return 'replaced';
  if (PLAN_IDS.indexOf(before.plan) > PLAN_IDS.indexOf(plan)) return 'lower';
  if (!before.renews && (before.until === null || before.until.getTime() > paidEnd.getTime())) return 'shorter';
  return undefined;
}

/**
 * Records a charge that matches nothing we sold (star_payments.status 'unmatched', no plan), once
 * per charge id, with its audit record: the money was taken, so an admin must be able to find
 * and refund it (/admin_refund, the dashboard's Payments page). A payer the bot never met (no
 * users row: they paid a link without /start) is added first, from Telegram's own description
 * of them. Returns whether this call stored it (false: a redelivery).
 */
async function recordUnmatched(tx: Queryable, charge: StarCharge, reason: UnmatchedReason, at: Date): Promise<boolean> {
  if (charge.payer) {
    await tx`
      insert into users (id, username, first_name, language_code)
      values (${charge.userId}, ${charge.payer.username ?? null}, ${charge.payer.first_name}, ${charge.payer.language_code ?? null})
      on conflict (id) do nothing`;
  }
  const inserted = await tx`
    insert into star_payments (charge_id, user_id, amount, payload, is_recurring, source, status, unmatched_reason, created_at)
    values (${charge.chargeId}, ${charge.userId}, ${charge.amount}, ${charge.payload}, ${charge.isRecurring === true}, ${charge.source},
            'unmatched', ${reason}, ${at})
    on conflict (charge_id) do nothing returning charge_id`;
  if (!inserted.length) return false;
  await recordAudit(tx, { actorId: null, action: 'payment.unmatched', subjectUserId: charge.userId,
    details: { charge_id: charge.chargeId, stars: charge.amount, reason, source: charge.source } });
  return true;
}
