import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { needsServer, type TestDatabase } from '../support/testDatabase.js';
import { type Stack, startStack } from '../support/startStack.js';
import { broadcastAdmin, broadcastCopies, quietActiveGroups, runBroadcast, waitForReport } from './broadcastSupport.js';

// The pacing requirement: 1,000 groups at 30 messages/s, and an emulator enforcing
// Telegram's limits (30/s overall, 20/min per group) never answers 429. The "within 5% of
// 1,000/30 s" part is a timing: bench/scenarios/broadcastPacing.ts measures it.

let stack: Stack;
let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  stack = await startStack({ telegram: { enforceLimits: true }, botSettings: { ...defaultBotSettings, broadcast: { messagesPerSecond: 30, groupMessagesPerMinute: 20 } } });
  ({ db, telegram } = stack);
});
after(async () => { await stack.stop(); });

// Seen stuck at 997 of 1,000 under load: a real bug, not timing. With the global slot idle the
// reserved slot was "now", and on a loaded machine the answer plus marking the delivery took
// longer than the 5 ms tolerance, so the last senders gave up every slot they got, for ever
// (test/groups/broadcastSendSlot.test.ts reproduces it with slow answers). Slots now have a
// lead (reserveSendSlot's leadMs), and a run that keeps missing sends late.
// On the embedded database (one connection for everything) senders miss slots and the run
// takes ~43 s, still without a 429; the timing claim is about PostgreSQL, so it needs the server.
test('1,000 groups at 30 messages/s: never a 429 from an emulator enforcing the limits, each group once (pace measured in the bench)', { timeout: 120_000, skip: needsServer }, async (t) => {
  const admin = await broadcastAdmin(telegram, db.sql);
  const groups = await quietActiveGroups(telegram, db.sql, admin, 1000);
  const confirm = await runBroadcast(telegram, admin, 'groups', 'One thousand');
  // When Send was pressed: the bot's answer to that button press.
  const confirmIndex = telegram.calls.findIndex((x) => x.method === 'sendMessage' && x.response.ok && (x.response.result as { message_id: number }).message_id === confirm.message_id);
  const pressedAt = telegram.calls.find((c, i) => i > confirmIndex && c.method === 'answerCallbackQuery')!.at;
  const report = await waitForReport(telegram, admin, 90_000);
  assert.match(report.text!, /Sent: 1,000 of 1,000/);

  if (process.env.DIAG) {
    const all = telegram.calls.filter((c) => c.method === 'sendMessage');
    const first = all.findIndex((c) => !c.response.ok);
    t.diagnostic(`first 429 at index ${first}: ${all.slice(Math.max(0, first - 31), first + 1).map((c) => c.at - all[Math.max(0, first - 31)]!.at).join(' ')}`);
    const gaps = all.slice(1).map((c, i) => c.at - all[i]!.at);
    t.diagnostic('gap histogram ' + JSON.stringify(gaps.reduce<Record<number, number>>((h, g) => ({ ...h, [g]: (h[g] ?? 0) + 1 }), {})));
  }
  const sends = telegram.callsTo('sendMessage').filter((c) => groups.some((g) => g.id === Number(c.params.chat_id)) || Number(c.params.chat_id) < 0);
  assert.equal(telegram.calls.filter((c) => !c.response.ok && c.response.error_code === 429).length, 0, 'no 429');
  assert.equal(sends.length, 1000);
  const elapsedS = (Math.max(...sends.map((c) => c.at)) - pressedAt) / 1000;
  // How close to 33.3 s it came is a timing, measured by `npm run bench -- broadcast-pacing`
  // (goal: within 5%), not asserted here: these machines are shared and noisy.
  t.diagnostic(`1,000 groups at 30/s: last copy ${elapsedS.toFixed(2)} s after Send was pressed (ideal 33.33 s)`);
  for (const g of groups.slice(0, 50)) assert.equal(broadcastCopies(telegram, g.id).length, 1);
  assert.equal((await db.sql`select count(distinct chat_id)::int as n from sent_messages`)[0]!.n, 1000);
});
