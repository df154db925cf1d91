import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { serverError } from '../../emulator/telegram/index.js';
import { readMetricTotals } from '../../shared/metrics/readMetricTotals.js';
import type { MetricName } from '../../shared/metrics/metricNames.js';
import { STACK_SECRET, type Stack, startStack } from '../support/startStack.js';

// What the worker records as it runs, end to end: the emulator delivers to the webhook, the
// worker answers through the emulator, and the metrics are read back from metric_minutes.

let stack: Stack;
before(async () => { stack = await startStack({ runner: { backoff: { baseMs: 50, maxMs: 200 } } }); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
// retryApiCalls makes four calls per attempt: four 502s fail one attempt, the retry goes through.
const FAIL_ONE_ATTEMPT = 4;

async function totals(metric: MetricName): Promise<Record<string, number>> {
  const rows = await readMetricTotals(stack.db.sql, { metric, from: new Date(Date.now() - 3_600_000), to: new Date(Date.now() + 60_000) });
  return Object.fromEntries(rows.map((r) => [r.label, r.count]));
}
const replies = async () => Object.values(await totals('dm_reply_ms')).reduce((n, c) => n + c, 0);

test('each /start answered counts one job, one reply time and its sends', async () => {
  const users = ['Ann', 'Bob', 'Cid'].map((first_name) => stack.telegram.createUser({ first_name, language_code: 'en' }));
  for (const u of users) u.sendCommand('/start');
  await Promise.all(users.map((u) => stack.telegram.waitForBotMessage(u, undefined, WAIT)));
  await stack.drained();
  assert.equal((await totals('job_done')).telegram_update, 3);
  assert.equal(await replies(), 3);
  const sent = users.reduce((n, u) => n + stack.telegram.messagesIn(u).length, 0);
  assert.equal((await totals('telegram_send')).sendMessage, sent, 'every message the users got, counted once');
});

test('an update retried after a failed reply is timed once, and its failed attempt counted as an error of its kind', async () => {
  const before = { done: (await totals('job_done')).telegram_update ?? 0, replies: await replies(), sends: (await totals('telegram_send')).sendMessage ?? 0 };
  const user = stack.telegram.createUser({ first_name: 'Dee', language_code: 'en' });
  stack.telegram.failNext('sendMessage', serverError(502), { chatId: user.id, times: FAIL_ONE_ATTEMPT });
  user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, undefined, WAIT);
  await stack.drained();
  assert.equal((await totals('job_done')).telegram_update, before.done + 1);
  assert.equal(await replies(), before.replies + 1);
  assert.deepEqual(await totals('job_error'), { 'telegram_update:GrammyError_502': 1 });
  assert.equal((await totals('telegram_send')).sendMessage, before.sends + stack.telegram.messagesIn(user).length, 'refused sends are not counted');
});

test('an update delivered twice to the webhook is counted once', async () => {
  const before = { done: (await totals('job_done')).telegram_update ?? 0, replies: await replies() };
  const user = stack.telegram.createUser({ first_name: 'Eve', language_code: 'en' });
  const { update } = user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, undefined, WAIT);
  await stack.drained();
  // Telegram delivers it again (its answer was lost, say): the webhook has seen the id.
  const res = await fetch(stack.webhookUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': STACK_SECRET }, body: JSON.stringify(update) });
  assert.equal(res.status, 200);
  await stack.drained();
  assert.equal(stack.telegram.messagesIn(user).length, 1);
  assert.equal((await totals('job_done')).telegram_update, before.done + 1);
  assert.equal(await replies(), before.replies + 1);
});
