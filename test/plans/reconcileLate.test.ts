import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { reconcileStarsJob } from '../../shared/modules/payments/reconcileStarsJob.js';
import { recordStarPayment } from '../../shared/modules/payments/recordStarPayment.js';
import { createStarInvoice, type InvoiceKind } from '../../shared/modules/payments/starInvoices.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { DEFAULT_MONTHLY_STARS, type PaidPlanId } from '../../shared/modules/plans/plans.js';
import { readUserPlan, type UserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { nextMessage, startedUser, subscribe } from './paymentSupport.js';

// A charge the daily reconciliation finds late (its successful_payment never reached the bot) is
// applied as it would have been on time, judged against the present: it never replaces a plan
// granted since, never lowers the plan or ends it sooner; one whose period is over is recorded
// (so it is not found again) and the plan kept; a higher plan whose period reaches the present
// is granted now (docs/PAYMENTS.md, "A charge found late").

let stack: InstapostStack;
let admin: EmulatedUser;
before(async () => {
  stack = await startInstapostStack();
  await stack.drained(); // the worker's own first reconciliation, of an empty list
  admin = await startedUser(stack);
  await stack.db.sql`update users set is_admin = true where id = ${admin.id}`;
});
after(async () => { await stack.stop(); });

const DAY = 86_400;
const PERIOD = 2_592_000;
let n = 0;
let day = 1000;

/** A charge Telegram made `daysAgo` days ago for an invoice the bot made, whose successful_payment never reached the bot. */
async function missedCharge(user: EmulatedUser, plan: PaidPlanId, kind: InvoiceKind, daysAgo: number): Promise<string> {
  const amount = DEFAULT_MONTHLY_STARS[plan] * (kind === 'annual' ? 10 : 1);
  const invoice = await createStarInvoice(stack.db.sql, { userId: user.id, plan, kind, amount });
  const id = `stxLate${++n}`;
  const date = stack.telegram.world.now() - daysAgo * DAY;
  stack.telegram.world.starPayments.set(id, { userId: user.id, chatId: user.id, currency: 'XTR', amount, payload: invoice.payload, refunded: false, date,
    ...(kind === 'subscription' ? { subscription: { period: PERIOD, expiresAt: date + PERIOD, canceledByBot: false, firstChargeId: id } } : {}) });
  return id;
}

/** Runs the reconciliation job and everything it enqueued; returns the admins' report. */
async function reconcile(): Promise<string> {
  await enqueue(stack.db.sql, reconcileStarsJob, { day: ++day });
  const report = await nextMessage(stack, admin, /Star reconciliation/);
  await stack.drained();
  return report.text!;
}

/** What a late charge must not change: the plan, its end, its start and its billing period. */
const shape = (p: UserPlan) => ({ plan: p.plan, until: p.until?.getTime(), grantedAt: p.grantedAt?.getTime(), period: p.period.start.getTime() });

async function recorded(chargeId: string) {
  const [row] = await stack.db.sql<{ plan: string; source: string }[]>`select plan, source from star_payments where charge_id = ${chargeId}`;
  return row && { ...row };
}

const renewalTurnedOff = (chargeId: string) => stack.telegram.world.starPayments.get(chargeId)!.subscription!.canceledByBot;

describe('a charge the reconciliation finds late', () => {
  test('its period already past: recorded so it is not found again, the plan in force kept, no plan notice; reported once', async () => {
    const onPro = await startedUser(stack);
    await subscribe(stack, onPro, 'pro');
    const onFree = await startedUser(stack);
    const proBefore = shape(await readUserPlan(stack.db.sql, onPro.id));
    const oldBasic = await missedCharge(onPro, 'basic', 'subscription', 40); // paid for 40 to 10 days ago
    const oldYear = await missedCharge(onFree, 'business', 'annual', 400);
    const messages = stack.telegram.messagesIn(onFree).length;

    const report = await reconcile();
    assert.match(report, /2 payments found too late to grant were recorded/);
    assert.match(report, new RegExp(`= ${oldBasic} \\(its period had already ended\\)`));
    assert.match(report, new RegExp(`= ${oldYear} \\(its period had already ended\\)`));
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, onPro.id)), proBefore, 'still Pro, same end, same period');
    assert.equal((await readUserPlan(stack.db.sql, onFree.id)).plan, 'free');
    const [row] = await stack.db.sql`select 1 from user_plans where user_id = ${onFree.id}`;
    assert.equal(row, undefined, 'no lapsed grant left behind for the sweep to "end"');
    assert.deepEqual(await recorded(oldBasic), { plan: 'basic', source: 'reconciliation' });
    assert.deepEqual(await recorded(oldYear), { plan: 'business', source: 'reconciliation' });
    assert.equal(stack.telegram.messagesIn(onFree).length, messages, 'the user is not told of a plan they do not get');
    assert.equal(renewalTurnedOff(oldBasic), false, 'a past period\'s subscription is left to its own renewals');

    // The next run finds them recorded: nothing to report (a new charge makes it report, and it alone).
    const other = await startedUser(stack);
    const fresh = await missedCharge(other, 'basic', 'subscription', 0);
    const next = await reconcile();
    assert.doesNotMatch(next, new RegExp(`${oldBasic}|${oldYear}`));
    assert.match(next, new RegExp(`\\+ ${fresh}`));
  });

  test('a plan bought since is never replaced: an older Basic charge still running is recorded, Pro kept as it was, Basic\'s renewal turned off', async () => {
    const user = await startedUser(stack);
    const basic = await missedCharge(user, 'basic', 'subscription', 10); // its month runs 20 more days
    await subscribe(stack, user, 'pro'); // bought today, after it
    const proBefore = shape(await readUserPlan(stack.db.sql, user.id));

    const report = await reconcile();
    assert.match(report, new RegExp(`= ${basic} \\(a plan granted since is kept\\)`));
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, user.id)), proBefore, 'Pro, same end, same start, same period');
    assert.deepEqual(await recorded(basic), { plan: 'basic', source: 'reconciliation' });
    assert.equal(renewalTurnedOff(basic), true, 'Basic would charge again for a plan the user no longer gets');
    const pro = [...stack.telegram.world.starPayments.values()].find((p) => p.userId === user.id && p.subscription && p.amount === DEFAULT_MONTHLY_STARS.pro)!;
    assert.equal(pro.subscription!.canceledByBot, false, 'Pro keeps renewing');
  });

  test('the plan in force is never shortened: an older monthly charge of the same plan leaves a year\'s end and period as they were', async () => {
    const user = await startedUser(stack);
    const year = await createStarInvoice(stack.db.sql, { userId: user.id, plan: 'pro', kind: 'annual', amount: DEFAULT_MONTHLY_STARS.pro * 10 });
    await stack.db.sql.begin((tx) => recordStarPayment(tx, { userId: user.id, chargeId: `stxYear${user.id}`, amount: year.amount, currency: 'XTR',
      payload: year.payload, source: 'update', at: new Date(Date.now() - 20 * DAY * 1000) }));
    const proBefore = shape(await readUserPlan(stack.db.sql, user.id));
    assert.equal(proBefore.plan, 'pro');
    const month = await missedCharge(user, 'pro', 'subscription', 10); // ends in 20 days, the year in 345

    const report = await reconcile();
    assert.match(report, new RegExp(`\\+ ${month}`));
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, user.id)), proBefore, 'the year\'s end and billing period stand');
    assert.equal(renewalTurnedOff(month), true, 'the month would renew under a plan already paid for the year');
  });

  test('an old charge for a higher plan whose period reaches the present: the user moves up now, to its end, with a billing period from now; the lower plan stops renewing', async () => {
    const user = await startedUser(stack);
    const basic = await subscribe(stack, user, 'basic');
    // Basic since 20 days ago (moved back so that the Pro charge, 5 days ago, came after it).
    await stack.db.sql`update user_plans set granted_at = now() - interval '20 days', period_anchor = now() - interval '20 days' where user_id = ${user.id}`;
    const pro = await missedCharge(user, 'pro', 'subscription', 5);
    const startedAt = Date.now();

    const report = await reconcile();
    assert.match(report, new RegExp(`\\+ ${pro}`));
    await nextMessage(stack, user, /Your Pro plan is active until/);
    const plan = await readUserPlan(stack.db.sql, user.id);
    const paidEnd = (stack.telegram.world.starPayments.get(pro)!.date + PERIOD) * 1000;
    assert.deepEqual([plan.plan, plan.until?.getTime()], ['pro', paidEnd], 'Pro to the end of what it paid for');
    assert.ok(plan.period.start.getTime() >= startedAt - 1000, 'Pro\'s posts count from when the user has it, not from the charge\'s date');
    assert.equal(renewalTurnedOff(basic.telegram_payment_charge_id), true, 'Basic stops renewing, as on an upgrade on time');
    assert.equal(renewalTurnedOff(pro), false, 'Pro renews');
  });

  test('a higher plan is not granted where it would end access sooner, nor a lower one over a higher plan, nor a date over an open grant of the same plan: all recorded, the plans kept, their renewals off', async () => {
    // A year of Basic (not renewing, 300 days left) and a Pro month found late.
    const onYear = await startedUser(stack);
    await grantPlan(stack.db.sql, { userId: onYear.id, plan: 'basic', until: new Date(Date.now() + 300 * DAY * 1000), source: 'payment',
      now: new Date(Date.now() - 65 * DAY * 1000) });
    const yearBefore = shape(await readUserPlan(stack.db.sql, onYear.id));
    const proMonth = await missedCharge(onYear, 'pro', 'subscription', 5);
    // Pro from an admin for 20 days now, and a Basic month found late.
    const onPro = await startedUser(stack);
    await grantPlan(stack.db.sql, { userId: onPro.id, plan: 'pro', until: null, source: 'admin', actorId: admin.id, now: new Date(Date.now() - 20 * DAY * 1000) });
    const proBefore = shape(await readUserPlan(stack.db.sql, onPro.id));
    const basicMonth = await missedCharge(onPro, 'basic', 'subscription', 5);
    // Business from an admin with no end, and a Business month found late: a date would end it.
    const onOpen = await startedUser(stack);
    await grantPlan(stack.db.sql, { userId: onOpen.id, plan: 'business', until: null, source: 'admin', actorId: admin.id, now: new Date(Date.now() - 20 * DAY * 1000) });
    const openBefore = shape(await readUserPlan(stack.db.sql, onOpen.id));
    const businessMonth = await missedCharge(onOpen, 'business', 'subscription', 5);

    const report = await reconcile();
    assert.match(report, new RegExp(`= ${proMonth} \\(the plan in force runs longer\\)`));
    assert.match(report, new RegExp(`= ${basicMonth} \\(the higher plan in force is kept\\)`));
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, onYear.id)), yearBefore);
    assert.match(report, new RegExp(`= ${businessMonth} \\(the plan in force runs longer\\)`));
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, onPro.id)), proBefore);
    assert.deepEqual(shape(await readUserPlan(stack.db.sql, onOpen.id)), openBefore, 'Business with no end');
    assert.equal(renewalTurnedOff(proMonth), true);
    assert.equal(renewalTurnedOff(basicMonth), true);
    assert.equal(renewalTurnedOff(businessMonth), true);
  });
});
