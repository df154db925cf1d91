import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { reconcileStarsJob } from '../../shared/modules/payments/reconcileStarsJob.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { startedUser, subscribe } from './paymentSupport.js';

// The daily reconciliation reads getStarTransactions from a cursor: from the first transaction
// of the last 3 days it read, not from the beginning, and all again when the list moved before
// that window (docs/PAYMENTS.md, "The daily reconciliation").

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const HOUR = 3600;
let day = 100;

/** Runs the reconciliation job and returns the offsets it asked Telegram for. */
async function reconcile(): Promise<number[]> {
  const before = stack.telegram.callsTo('getStarTransactions').length;
  await enqueue(stack.db.sql, reconcileStarsJob, { day: ++day });
  await stack.drained();
  return stack.telegram.callsTo('getStarTransactions').slice(before).map((c) => Number(c.params.offset ?? 0));
}

test('a second run reads only the last 3 days again, still sees a refund of an older charge listed inside them, and reads all when the list moved before them', async () => {
  await stack.drained(); // the worker's own first reconciliation, of an empty list
  const payer = await startedUser(stack);
  const now = stack.telegram.world.now();
  // 250 charges we recorded, one an hour for the last 250 hours.
  for (let i = 0; i < 250; i++) {
    const id = `stxFill${i}`;
    stack.telegram.world.starPayments.set(id, { userId: payer.id, chatId: payer.id, currency: 'XTR', amount: 450, payload: `year:basic:fill${i}`,
      refunded: false, date: now - (250 - i) * HOUR });
    await stack.db.sql`insert into star_payments (charge_id, user_id, plan, kind, amount, payload, created_at)
      values (${id}, ${payer.id}, 'basic', 'annual', 450, ${`year:basic:fill${i}`}, ${new Date((now - (250 - i) * HOUR) * 1000)})`;
  }
  // Two real subscribers, their charges moved back in time: A's two days ago (inside the window), B's ten days ago (before it).
  const a = await startedUser(stack);
  const b = await startedUser(stack);
  const paidA = await subscribe(stack, a, 'pro');
  const paidB = await subscribe(stack, b, 'basic');
  stack.telegram.world.starPayments.get(paidA.telegram_payment_charge_id)!.date = now - 48 * HOUR - 1800;
  stack.telegram.world.starPayments.get(paidB.telegram_payment_charge_id)!.date = now - 240 * HOUR - 1800;

  assert.deepEqual(await reconcile(), [0, 100, 200], 'the first run reads every page');
  const [cursor] = await stack.db.sql<{ start_offset: number }[]>`select start_offset from star_transaction_cursor`;
  // 252 transactions; the newest an hour ago, so the window holds the 73 hourly ones from 73 hours ago on, and A's.
  assert.equal(cursor!.start_offset, 252 - 74);

  assert.deepEqual(await reconcile(), [cursor!.start_offset], 'the second run reads the window only: one page, none of the old ones');

  // Telegram refunds A's charge, listed at the charge's own time: inside the window, before newer entries.
  Object.assign(stack.telegram.world.starPayments.get(paidA.telegram_payment_charge_id)!, { refunded: true, refundedAt: now - 48 * HOUR - 1800 });
  assert.deepEqual(await reconcile(), [cursor!.start_offset]);
  assert.equal((await readUserPlan(stack.db.sql, a.id)).plan, 'free', 'the refund inside the window was seen');
  const [rowA] = await stack.db.sql`select refund_source from star_payments where charge_id = ${paidA.telegram_payment_charge_id}`;
  assert.equal(rowA!.refund_source, 'reconciliation');

  // B's charge refunded and listed ten days back: the entry at the cursor is not the one remembered, so all is read again.
  Object.assign(stack.telegram.world.starPayments.get(paidB.telegram_payment_charge_id)!, { refunded: true, refundedAt: now - 240 * HOUR - 1800 });
  const offsets = await reconcile();
  assert.deepEqual(offsets.slice(1), [0, 100, 200], `read from the window (${offsets[0]}), then all again`);
  assert.equal((await readUserPlan(stack.db.sql, b.id)).plan, 'free', 'the refund before the window was seen');
});
