import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError } from 'grammy';
import type { SuccessfulPayment } from 'grammy/types';
import { ManualClock, TelegramEmulator } from '../../emulator/telegram/index.js';

// Telegram Stars as payments will use them: invoices (sendInvoice's checks in the server's
// words), subscription links (createInvoiceLink), refunds and cancelling a subscription.

const clock = new ManualClock(Date.UTC(2026, 3, 1));
let telegram: TelegramEmulator;
let api: Api;
before(async () => {
  telegram = await TelegramEmulator.start({ clock });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});
after(() => telegram.close());

let n = 0;
function payer() {
  const user = telegram.createUser({ first_name: `Payer${++n}` });
  user.sendCommand('/start');
  return user;
}

async function call(method: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${telegram.apiRoot}/bot${telegram.token}/${method}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params),
  });
  return await response.json() as Record<string, unknown>;
}

const rejects = (promise: Promise<unknown>, description: string) =>
  assert.rejects(promise, (error: unknown) => error instanceof GrammyError && error.description === description);

/** Pays a link or an invoice the way a user does and returns the successful_payment the bot gets. */
async function pay(action: ReturnType<ReturnType<typeof payer>['payInvoiceLink']>): Promise<SuccessfulPayment> {
  const query = action.update.pre_checkout_query!;
  await api.answerPreCheckoutQuery(query.id, true);
  const update = telegram.updates.at(-1);
  assert.ok(update?.message?.successful_payment !== undefined, 'a successful_payment follows');
  return update.message.successful_payment;
}

describe('invoices', () => {
  test('18: sendInvoice checks each field with the server\'s texts', async () => {
    const user = payer();
    const base = { chat_id: user.id, title: 'Plan', description: 'One month', payload: 'plan:1', currency: 'XTR',
      prices: [{ label: 'Plan', amount: 100 }] };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ title: undefined }, 'Bad Request: parameter "title" is required'],
      [{ description: '' }, 'Bad Request: parameter "description" is required'],
      [{ payload: undefined }, 'Bad Request: parameter "payload" is required'],
      [{ currency: undefined }, 'Bad Request: parameter "currency" is required'],
      [{ prices: [] }, 'Bad Request: there must be at least one price'],
      [{ prices: [{ amount: 5 }] }, 'Bad Request: can\'t parse labeled price: Can\'t find field "label"'],
      [{ prices: [{ label: '', amount: 5 }] }, "Bad Request: can't parse labeled price: LabeledPrice label must be non-empty"],
      [{ prices: [{ label: 'x', amount: 0 }] }, 'Bad Request: total price must be positive'],
    ];
    for (const [change, description] of cases) {
      const body = await call('sendInvoice', { ...base, ...change });
      assert.equal(body.description, description, JSON.stringify(change));
    }
    assert.equal((await call('sendInvoice', base)).ok, true);
  });
});

describe('createInvoiceLink', () => {
  test('a link pays like an invoice; a subscription link\'s payment carries the period\'s end', async () => {
    const once = await api.createInvoiceLink('Boost', 'A week', 'boost:7', '', 'XTR', [{ label: 'Boost', amount: 50 }]);
    assert.match(once, /^https:\/\/t\.me\/\$[\w-]+$/);
    const user = payer();
    const paid = await pay(user.payInvoiceLink(once));
    assert.deepEqual({ payload: paid.invoice_payload, amount: paid.total_amount, recurring: paid.is_recurring },
      { payload: 'boost:7', amount: 50, recurring: undefined });

    const monthly = await api.createInvoiceLink('Pro', 'Monthly', 'pro:1', '', 'XTR', [{ label: 'Pro', amount: 250 }],
      { subscription_period: 2_592_000 });
    const first = await pay(user.payInvoiceLink(monthly));
    assert.equal(first.is_recurring, true);
    assert.equal(first.is_first_recurring, true);
    assert.equal(first.subscription_expiration_date, Math.floor(clock.now() / 1000) + 2_592_000);
    clock.advance(2_592_000_000);
    const renewal = telegram.renewStarSubscription(first.telegram_payment_charge_id)!.update.message!.successful_payment!;
    assert.equal(renewal.is_recurring, true);
    assert.equal(renewal.is_first_recurring, undefined);
    assert.notEqual(renewal.telegram_payment_charge_id, first.telegram_payment_charge_id);
    assert.equal(renewal.subscription_expiration_date, (first.subscription_expiration_date ?? 0) + 2_592_000);
  });

  test('a subscription period other than 30 days, or not in Stars, is refused', async () => {
    await rejects(api.createInvoiceLink('Pro', 'Weekly', 'pro:w', '', 'XTR', [{ label: 'Pro', amount: 10 }], { subscription_period: 604_800 }),
      'Bad Request: SUBSCRIPTION_PERIOD_INVALID');
    await rejects(api.createInvoiceLink('Pro', 'USD', 'pro:u', 'tok', 'USD', [{ label: 'Pro', amount: 10 }], { subscription_period: 2_592_000 }),
      'Bad Request: SUBSCRIPTION_PERIOD_INVALID');
    await rejects(api.createInvoiceLink('', 'x', 'y', '', 'XTR', [{ label: 'x', amount: 1 }]), 'Bad Request: parameter "title" is required');
  });
});

describe('refundStarPayment', () => {
  test('refunds once; a second refund gets CHARGE_ALREADY_REFUNDED; bad user or charge ids are refused', async () => {
    const user = payer();
    const invoice = await api.sendInvoice(user.id, 'Boost', 'A week', 'boost:r', 'XTR', [{ label: 'Boost', amount: 50 }]);
    const paid = await pay(user.payInvoice(invoice));
    assert.equal(await api.refundStarPayment(user.id, paid.telegram_payment_charge_id), true);
    await rejects(api.refundStarPayment(user.id, paid.telegram_payment_charge_id), 'Bad Request: CHARGE_ALREADY_REFUNDED');
    assert.equal(telegram.world.starPayments.get(paid.telegram_payment_charge_id)?.refunded, true);
    assert.equal((await call('refundStarPayment', { telegram_payment_charge_id: paid.telegram_payment_charge_id })).description,
      'Bad Request: invalid user_id specified');
    assert.equal((await call('refundStarPayment', { user_id: user.id })).description,
      'Bad Request: parameter "telegram_payment_charge_id" is required');
    const other = payer();
    await rejects(api.refundStarPayment(other.id, 'stxEmUnope'), 'Bad Request: CHARGE_ID_INVALID');
  });
});

describe('editUserStarSubscription', () => {
  test('a subscription the bot cancels is not renewed; re-enabled, it renews again', async () => {
    const user = payer();
    const link = await api.createInvoiceLink('Pro', 'Monthly', 'pro:c', '', 'XTR', [{ label: 'Pro', amount: 250 }],
      { subscription_period: 2_592_000 });
    const first = await pay(user.payInvoiceLink(link));
    assert.equal(await api.editUserStarSubscription(user.id, first.telegram_payment_charge_id, true), true);
    assert.equal(telegram.renewStarSubscription(first.telegram_payment_charge_id), undefined);
    assert.equal(await api.editUserStarSubscription(user.id, first.telegram_payment_charge_id, false), true);
    assert.ok(telegram.renewStarSubscription(first.telegram_payment_charge_id)?.update.message?.successful_payment);
    await rejects(api.editUserStarSubscription(user.id, 'stxEmUnope', true), 'Bad Request: CHARGE_ID_INVALID');
  });
});

describe('subscription updates, refunds by Telegram, getStarTransactions', () => {
  test('a user\'s cancellation and a failed renewal arrive as `subscription` updates (user, payload, state; no charge id) and stop renewals', async () => {
    const user = payer();
    const link = await api.createInvoiceLink('Pro', 'Monthly', 'pro:s', '', 'XTR', [{ label: 'Pro', amount: 250 }], { subscription_period: 2_592_000 });
    const first = await pay(user.payInvoiceLink(link));
    const canceled = telegram.setStarSubscriptionCanceledByUser(first.telegram_payment_charge_id, true).update.subscription!;
    assert.deepEqual({ user: canceled.user.id, payload: canceled.invoice_payload, state: canceled.state }, { user: user.id, payload: 'pro:s', state: 'canceled' });
    assert.equal(telegram.renewStarSubscription(first.telegram_payment_charge_id), undefined);
    assert.equal(telegram.setStarSubscriptionCanceledByUser(first.telegram_payment_charge_id, false).update.subscription!.state, 'active');
    assert.ok(telegram.renewStarSubscription(first.telegram_payment_charge_id));
    assert.equal(telegram.failStarSubscriptionRenewal(first.telegram_payment_charge_id).update.subscription!.state, 'failed');
    assert.equal(telegram.renewStarSubscription(first.telegram_payment_charge_id), undefined);
  });

  test('a refund Telegram makes itself comes as a refunded_payment message; refunding it again gets CHARGE_ALREADY_REFUNDED', async () => {
    const user = payer();
    const invoice = await api.sendInvoice(user.id, 'Boost', 'A week', 'boost:t', 'XTR', [{ label: 'Boost', amount: 70 }]);
    const paid = await pay(user.payInvoice(invoice));
    const refund = telegram.refundStarPaymentAsTelegram(paid.telegram_payment_charge_id).update.message!;
    assert.deepEqual({ from: refund.from?.id, ...refund.refunded_payment },
      { from: user.id, currency: 'XTR', total_amount: 70, invoice_payload: 'boost:t', telegram_payment_charge_id: paid.telegram_payment_charge_id });
    await rejects(api.refundStarPayment(user.id, paid.telegram_payment_charge_id), 'Bad Request: CHARGE_ALREADY_REFUNDED');
  });

  test('getStarTransactions lists charges and refunds in order, with the paying user and payload; limit is clamped to 1..100', async () => {
    const user = payer();
    const invoice = await api.sendInvoice(user.id, 'Boost', 'A week', 'boost:g', 'XTR', [{ label: 'Boost', amount: 30 }]);
    const paid = await pay(user.payInvoice(invoice));
    clock.advance(60_000);
    await api.refundStarPayment(user.id, paid.telegram_payment_charge_id);
    const all = (await api.getStarTransactions({ limit: 1000 })).transactions;
    const mine = all.filter((t) => t.id === paid.telegram_payment_charge_id);
    assert.equal(mine.length, 2);
    assert.deepEqual(mine.map((t) => [t.amount, t.source?.type, t.receiver?.type]), [[30, 'user', undefined], [30, undefined, 'user']]);
    assert.equal((mine[0]!.source as { invoice_payload?: string }).invoice_payload, 'boost:g');
    assert.ok(mine[1]!.date > mine[0]!.date);
    assert.ok(all.every((t, i) => i === 0 || t.date >= all[i - 1]!.date), 'chronological');
    assert.equal(all.length <= 100, true);
    assert.equal((await api.getStarTransactions({ limit: 0 })).transactions.length, 1);
    assert.equal((await api.getStarTransactions({ offset: all.length })).transactions.length, 0);
  });
});
