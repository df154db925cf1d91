import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api } from 'grammy';
import { badRequest, serverError, TelegramEmulator } from '../../emulator/telegram/index.js';
import type { Sql } from '../../shared/db/createSql.js';
import type { JobHandler } from '../../shared/queue/jobHandler.js';
import { adminRefundHandler } from '../../shared/modules/payments/adminRefundHandler.js';
import { recordRefund } from '../../shared/modules/payments/recordRefund.js';
import { refundOutcomeHandler } from '../../shared/modules/payments/refundOutcomeHandler.js';
import { refundSupersededHandler } from '../../shared/modules/payments/refundSupersededHandler.js';
import { requestAdminRefund } from '../../shared/modules/payments/requestAdminRefund.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { testLogger } from '../support/testLogger.js';
import { nextMessage, startedUser, subscribe } from './paymentSupport.js';

// /admin_refund records the admin's intent (star_refund_requests) with its job before
// refundStarPayment is called; the job makes the call, records the refund as the admin's once
// (whoever reports it first) and tells the admin once how it went.

const refunds = (telegram: TelegramEmulator, chargeId: string) =>
  telegram.callsTo('refundStarPayment').filter((c) => c.params.telegram_payment_charge_id === chargeId);
const one = async <T>(rows: Promise<T[]>) => (await rows)[0]!;

describe('/admin_refund through the stack', () => {
  let stack: InstapostStack;
  // Retries within a test's patience: the held job below retries every few tens of ms.
  before(async () => { stack = await startInstapostStack({ runner: { backoff: { baseMs: 50, maxMs: 200 } } }); });
  after(async () => { await stack.stop(); });

  async function adminAndPayment(plan: string) {
    const admin = await startedUser(stack);
    await stack.db.sql`update users set is_admin = true where id = ${admin.id}`;
    const user = await startedUser(stack);
    const paid = await subscribe(stack, user, plan);
    return { admin, user, chargeId: paid.telegram_payment_charge_id };
  }
  const toldAdmin = (admin: { id: number }, re: RegExp) => stack.telegram.messagesIn(admin.id).filter((m) => re.test(m.text ?? ''));

  test('the request is recorded, the job refunds once, records it as the admin\'s, ends the plan and tells the admin', async () => {
    const { admin, user, chargeId } = await adminAndPayment('pro');
    admin.sendCommand(`/admin_refund ${chargeId}`);
    await nextMessage(stack, admin, /Refunding charge/);
    const done = await nextMessage(stack, admin, /Refunded 1,450 ⭐/);
    assert.match(done.text!, /their plan ended: Pro/);
    await nextMessage(stack, user, /1,450 ⭐ for Pro were refunded/);
    await stack.drained();
    assert.equal((await readUserPlan(stack.db.sql, user.id)).plan, 'free');
    const request = await one(stack.db.sql`select requested_by, state, error, finished_at is not null as finished from star_refund_requests where charge_id = ${chargeId}`);
    assert.deepEqual({ ...request }, { requested_by: admin.id, state: 'refunded', error: null, finished: true });
    const payment = await one(stack.db.sql`select refund_source, refunded_by from star_payments where charge_id = ${chargeId}`);
    assert.deepEqual({ ...payment }, { refund_source: 'admin', refunded_by: admin.id });
    const audit = await stack.db.sql`select actor_id, details->>'reported_by' as reported_by from audit_log where action = 'payment.refunded' and details->>'charge_id' = ${chargeId}`;
    assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_id: admin.id, reported_by: 'admin' }]);
    assert.equal(refunds(stack.telegram, chargeId).length, 1);
    assert.equal(toldAdmin(admin, /Refunded/).length, 1);
  });

  test('refunded_payment recorded before the job: the refund stays the admin\'s (audit actor, refunded_by), nothing is refunded again, the admin is told once', async () => {
    const { admin, user, chargeId } = await adminAndPayment('basic');
    // The call's answer is lost (500) while the refund went through at Telegram, which reports it (refunded_payment).
    const lost = stack.telegram.injectError((c) => c.method === 'refundStarPayment' && c.params.telegram_payment_charge_id === chargeId, serverError());
    admin.sendCommand(`/admin_refund ${chargeId}`);
    await stack.telegram.waitFor(() => refunds(stack.telegram, chargeId).length > 0 || undefined, { timeoutMs: 20_000 });
    stack.telegram.refundStarPaymentAsTelegram(chargeId);
    const done = await nextMessage(stack, admin, /Refunded 450 ⭐/);
    assert.match(done.text!, /their plan ended: Basic/);
    lost.remove();
    await stack.drained();
    // The job ended (a run already under way may have called once more, answered
    // CHARGE_ALREADY_REFUNDED; that a settled request is not called again is the crash test's):
    // none of its calls refunded.
    assert.equal(refunds(stack.telegram, chargeId).filter((c) => JSON.stringify(c.response).includes('"ok":true')).length, 0);
    assert.equal((await stack.db.sql`select 1 from jobs where type = 'star_payment_refund_admin'`).length, 0, 'the job completed');
    const audit = await stack.db.sql`select actor_id, details->>'source' as source, details->>'reported_by' as reported_by from audit_log
      where action = 'payment.refunded' and details->>'charge_id' = ${chargeId}`;
    assert.deepEqual(audit.map((a) => ({ ...a })), [{ actor_id: admin.id, source: 'admin', reported_by: 'telegram' }]);
    const payment = await one(stack.db.sql`select refund_source, refunded_by from star_payments where charge_id = ${chargeId}`);
    assert.deepEqual({ ...payment }, { refund_source: 'admin', refunded_by: admin.id });
    assert.equal((await one(stack.db.sql`select state from star_refund_requests where charge_id = ${chargeId}`)).state, 'refunded');
    assert.equal((await readUserPlan(stack.db.sql, user.id)).plan, 'free');
    assert.equal(toldAdmin(admin, /Refunded|refused|already|not confirmed/).length, 1, 'told once');
    assert.equal(stack.telegram.messagesIn(user).filter((m) => /were refunded/.test(m.text ?? '')).length, 1);
  });

  test('a final error (CHARGE_NOT_FOUND): the request fails with Telegram\'s reason, the admin is told, nothing is refunded or retried', async () => {
    const { admin, user, chargeId } = await adminAndPayment('pro');
    stack.telegram.failNext('refundStarPayment', badRequest('CHARGE_NOT_FOUND'));
    admin.sendCommand(`/admin_refund ${chargeId}`);
    const told = await nextMessage(stack, admin, /Telegram refused the refund/);
    assert.match(told.text!, /Bad Request: CHARGE_NOT_FOUND[\s\S]*Nothing was refunded/);
    await stack.drained();
    const request = await one(stack.db.sql`select state, error from star_refund_requests where charge_id = ${chargeId}`);
    assert.deepEqual({ ...request }, { state: 'failed', error: 'Bad Request: CHARGE_NOT_FOUND' });
    assert.equal(refunds(stack.telegram, chargeId).length, 1, 'not retried');
    assert.equal((await one(stack.db.sql`select refunded_at from star_payments where charge_id = ${chargeId}`)).refunded_at, null);
    assert.equal((await stack.db.sql`select 1 from audit_log where action = 'payment.refunded' and details->>'charge_id' = ${chargeId}`).length, 0);
    assert.equal((await readUserPlan(stack.db.sql, user.id)).plan, 'pro');
    // The failed request does not block a new one.
    admin.sendCommand(`/admin_refund ${chargeId}`);
    await nextMessage(stack, admin, /Refunded 1,450 ⭐/);
  });

  test('a second /admin_refund while the first is under way is told about it and refunds nothing more', async () => {
    const { admin, chargeId } = await adminAndPayment('basic');
    const other = await startedUser(stack);
    await stack.db.sql`update users set is_admin = true where id = ${other.id}`;
    const held = stack.telegram.injectError((c) => c.method === 'refundStarPayment' && c.params.telegram_payment_charge_id === chargeId, serverError());
    admin.sendCommand(`/admin_refund ${chargeId}`);
    await stack.telegram.waitFor(() => refunds(stack.telegram, chargeId).length > 0 || undefined, { timeoutMs: 20_000 });
    other.sendCommand(`/admin_refund ${chargeId}`);
    const busy = await nextMessage(stack, other, /already under way/);
    assert.match(busy.text!, new RegExp(`asked by ${admin.id}`));
    held.remove();
    await nextMessage(stack, admin, /Refunded 450 ⭐/);
    await stack.drained();
    assert.equal(stack.telegram.world.starPayments.get(chargeId)!.refunded, true);
    assert.equal((await stack.db.sql`select 1 from star_refund_requests where charge_id = ${chargeId}`).length, 1);
    assert.equal(toldAdmin(other, /Refunded/).length, 0);
  });
});

describe('the admin refund job run as the worker would: after a crash, without an answer', () => {
  let db: TestDatabase;
  let telegram: TelegramEmulator;
  before(async () => {
    db = await createTestDatabase();
    telegram = await TelegramEmulator.start();
  });
  after(async () => {
    await telegram.close();
    await db.drop();
  });

  let attempt = 0;
  /** Runs one job as the worker would. */
  async function run(handler: JobHandler, payload: unknown, options: { sql?: Sql; lastAttempt?: boolean } = {}) {
    const attempts = ++attempt;
    await handler.bind(payload).run({ sql: options.sql ?? db.sql, log: testLogger, signal: new AbortController().signal,
      job: { id: 1, type: handler.type, payload, priority: 0, attempts, max_attempts: options.lastAttempt ? attempts : attempts + 8, serial_key: null } });
  }
  /** Runs the admin notices the refund enqueued, as the worker would, and deletes them. */
  async function deliverOutcomes(api: Api) {
    const jobs = await db.sql<{ id: number; payload: unknown }[]>`delete from jobs where type = 'star_refund_outcome' returning id, payload`;
    for (const job of jobs) await run(refundOutcomeHandler({ api }), job.payload);
  }

  /** An admin, a payer, and an unmatched charge of 700 ⭐ known to both the emulator and the database. */
  async function chargeToRefund(chargeId: string) {
    const admin = telegram.createUser({ first_name: 'Admin', language_code: 'en' });
    const payer = telegram.createUser({ first_name: 'Payer', language_code: 'en' });
    admin.sendMessage('hello'); // the admin's chat with the bot exists, for the outcome
    await db.sql`insert into users (id, first_name, is_admin) values (${admin.id}, 'Admin', true), (${payer.id}, 'Payer', false)`;
    telegram.world.starPayments.set(chargeId, { userId: payer.id, chatId: payer.id, currency: 'XTR', amount: 700, payload: 'not-ours', refunded: false, date: telegram.world.now() });
    await db.sql`insert into star_payments (charge_id, user_id, amount, payload, status, unmatched_reason) values (${chargeId}, ${payer.id}, 700, 'not-ours', 'unmatched', 'unknown-invoice')`;
    const requested = await db.sql.begin((tx) => requestAdminRefund(tx, { chargeId, adminId: admin.id }));
    assert.equal(requested.status, 'requested');
    return { admin, payer, requestId: requested.status === 'requested' ? requested.requestId : 0 };
  }

  test('the job run again after its call went through (the worker died before recording it): one refund, one audit, the admin told once', async () => {
    const chargeId = 'stxCrash1';
    const { admin, payer, requestId } = await chargeToRefund(chargeId);
    const [job] = await db.sql<{ payload: unknown }[]>`select payload from jobs where type = 'star_payment_refund_admin' and payload->>'requestId' = ${String(requestId)}`;
    assert.deepEqual(job!.payload, { requestId }, 'the job is committed with the request');

    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    // The worker dies right after Telegram made the refund: nothing after the call is committed.
    const dying = new Proxy(api, { get(target, key, receiver) {
      if (key !== 'refundStarPayment') return Reflect.get(target, key, receiver) as unknown;
      return async (...args: Parameters<Api['refundStarPayment']>) => { await target.refundStarPayment(...args); throw new Error('worker killed'); };
    } });
    await assert.rejects(run(adminRefundHandler({ api: dying }), { requestId }), /worker killed/);
    assert.equal(telegram.world.starPayments.get(chargeId)!.refunded, true);
    assert.equal((await db.sql`select refunded_at from star_payments where charge_id = ${chargeId}`)[0]!.refunded_at, null, 'not recorded yet');
    await deliverOutcomes(api);

    // The queue runs it again (its lease ran out), and once more after it finished (a lost lease).
    await run(adminRefundHandler({ api }), { requestId });
    await deliverOutcomes(api);
    await run(adminRefundHandler({ api }), { requestId });
    await deliverOutcomes(api);

    const calls = refunds(telegram, chargeId);
    assert.equal(calls.length, 2, 'the settled request is not called again');
    assert.match(JSON.stringify(calls[1]!.response), /CHARGE_ALREADY_REFUNDED/, 'the second call made no second refund');
    const audit = await db.sql`select actor_id from audit_log where action = 'payment.refunded' and details->>'charge_id' = ${chargeId}`;
    assert.deepEqual(audit.map((a) => a.actor_id), [admin.id]);
    const payment = await one(db.sql`select refund_source, refunded_by from star_payments where charge_id = ${chargeId}`);
    assert.deepEqual({ ...payment }, { refund_source: 'admin', refunded_by: admin.id });
    const told = telegram.messagesIn(admin.id).filter((m) => /charge|Refunded/.test(m.text ?? ''));
    assert.deepEqual(told.map((m) => m.text), [`↩️ Refunded 700 ⭐ to user ${payer.id} (charge ${chargeId}); their plan ended: —.`]);
    assert.equal((await db.sql`select 1 from jobs where type = 'plan_notice' and payload->>'userId' = ${String(payer.id)}`).length, 1, 'the payer\'s notice once');
  });

  test('no answer from Telegram by the last attempt: the admin is told it is not confirmed, the request stays open, a later refunded_payment makes it theirs', async () => {
    const chargeId = 'stxNoAnswer1';
    const { admin, requestId } = await chargeToRefund(chargeId);
    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    // Telegram made the refund but every answer was lost, to the last attempt.
    const lost = telegram.injectError((c) => c.method === 'refundStarPayment' && c.params.telegram_payment_charge_id === chargeId, () => {
      const payment = telegram.world.starPayments.get(chargeId)!;
      payment.refunded = true;
      return serverError(502);
    });
    await assert.rejects(run(adminRefundHandler({ api }), { requestId }, { lastAttempt: true }), /Bad Gateway/);
    lost.remove();
    const request = await one(db.sql`select state, error from star_refund_requests where id = ${requestId}`);
    assert.equal(request.state, 'pending', 'not guessed: neither refunded nor failed');
    await deliverOutcomes(api);
    const told = telegram.messagesIn(admin.id).filter((m) => /charge/.test(m.text ?? ''));
    assert.equal(told.length, 1);
    assert.match(told[0]!.text!, new RegExp(`refund of charge ${chargeId} \\(700 ⭐[\\s\\S]*is not confirmed: Telegram did not answer`));

    // Telegram reports the refund (refunded_payment): recorded as the admin's, and they are told it is done.
    await db.sql.begin((tx) => recordRefund(tx, { chargeId, source: 'telegram' }));
    await deliverOutcomes(api);
    assert.deepEqual((await db.sql`select actor_id from audit_log where action = 'payment.refunded' and details->>'charge_id' = ${chargeId}`).map((a) => a.actor_id), [admin.id]);
    assert.equal((await one(db.sql`select state from star_refund_requests where id = ${requestId}`)).state, 'refunded');
    assert.match(telegram.messagesIn(admin.id).at(-1)!.text!, /Refunded 700 ⭐/);
  });

  test('the superseded-renewal refund, sharing the call: a final refusal fails its job at once (not 8 attempts), nothing recorded', async () => {
    const chargeId = 'stxSuperseded1';
    const { payer } = await chargeToRefund(chargeId);
    telegram.failNext('refundStarPayment', badRequest('CHARGE_NOT_FOUND'));
    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    await assert.rejects(run(refundSupersededHandler({ api }), { userId: payer.id, chargeId }), { name: 'PermanentJobError', message: /CHARGE_NOT_FOUND/ });
    assert.equal((await one(db.sql`select refunded_at from star_payments where charge_id = ${chargeId}`)).refunded_at, null);
  });
});
