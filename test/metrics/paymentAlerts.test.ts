import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { readMetricTotals } from '../../shared/metrics/readMetricTotals.js';
import { defaultAlertSettings } from '../../shared/modules/alerts/alertSettings.js';
import { measureAlerts } from '../../shared/modules/alerts/measureAlerts.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';

// The payment_failures rule end to end: a charge (star_payments) and a refused pre-checkout
// (counted by the update that refused it) are the hour's payments, and half of them failed.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const next = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? ''), WAIT);
const links = (m: Message) => m.reply_markup?.inline_keyboard.flat().flatMap((b) => ('url' in b && b.url ? [b.url] : [])) ?? [];

test('a charge and a refused pre-checkout make the hour\'s payment failures 50 %; the refusal is counted once', async () => {
  const user = stack.telegram.createUser({ first_name: 'Payer', language_code: 'en' });
  user.sendCommand('/start');
  await next(user, /./);
  user.sendCommand('/upgrade');
  const list = await next(user, /Plans, paid monthly/);
  user.pressButton(list, 'pay:buy:m:pro');
  const link = links(await next(user, /every 30 days/)).find((u) => u.startsWith('https://t.me/$'))!;
  await stack.updatesDone();

  // A tampered amount: refused at pre-checkout, no money moves.
  const invoice = stack.telegram.world.invoiceLinks.get(link)!;
  stack.telegram.world.invoiceLinks.set('https://t.me/$tampered', { ...invoice, total_amount: 1, prices: [{ label: 'Pro', amount: 1 }] });
  const refused = user.payInvoiceLink('https://t.me/$tampered').update.pre_checkout_query!;
  await stack.updatesDone();
  assert.equal(stack.telegram.preCheckoutAnswer(refused.id)?.ok, false);

  user.payInvoiceLink(link);
  await next(user, /Payment received/);
  await stack.updatesDone();

  const refusals = await readMetricTotals(stack.db.sql, { metric: 'payment_refused', from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) });
  assert.deepEqual(refusals.map((r) => [r.label, r.count]), [['amount', 1]]);
  const { values } = await measureAlerts(stack.db.sql, { ...defaultAlertSettings, minPayments: 2 });
  assert.equal(values.payment_failures, 50);
  assert.equal((await measureAlerts(stack.db.sql, defaultAlertSettings)).values.payment_failures, null, 'two payments are fewer than the default minimum of 5');
});
