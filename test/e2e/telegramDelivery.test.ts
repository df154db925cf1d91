import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { Message, Update } from 'grammy/types';
import { type DeliveryAttempt, type EmulatedUser, ManualClock } from '../../emulator/telegram/index.js';
import { type StartedWorker, startWorker } from '../../worker/startWorker.js';
import { STACK_SECRET, type Stack, startStack } from '../support/startStack.js';
import { testLogger } from '../support/testLogger.js';

// What the product meets because Telegram delivers as its Bot API server does: a button press
// has its own delivery queue and can overtake the chat's earlier message; an update the
// webhook keeps refusing is dropped at its expiry (150 s for a press); a press answered after
// Telegram's window is refused. The webhook sits behind a switch that answers 503, as the
// real one does while the database is down; the emulator's time is a ManualClock.

const clock = new ManualClock();
let stack: Stack;
let outage: Outage;
before(async () => {
  stack = await startStack({ telegram: { clock } });
  outage = await startOutageSwitch(stack.webhookUrl);
  stack.telegram.setWebhook({ url: outage.url, secret_token: STACK_SECRET });
});
after(async () => {
  await stack.stop();
  await outage.close();
});

const WAIT = { timeoutMs: 15_000 };
let n = 0;

interface Outage {
  url: string;
  /** While set, updates it matches get 503 (the webhook's answer when the database is down). */
  refuse: ((update: Update) => boolean) | undefined;
  close(): Promise<void>;
}

/** A pass-through to the real webhook that can answer 503 instead, like the webhook during a database outage. */
async function startOutageSwitch(target: string): Promise<Outage> {
  const state: Outage = { url: '', refuse: undefined, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (state.refuse?.(JSON.parse(body.toString('utf8')) as Update) === true) {
        res.writeHead(503, { 'content-type': 'text/plain' }).end('database unavailable');
        return;
      }
      const forward = request(target, { method: 'POST', headers: req.headers }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      forward.on('error', () => res.writeHead(502).end());
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`;
  state.close = () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  return state;
}

async function newUserWithSettings(): Promise<{ user: EmulatedUser; settings: Message }> {
  const user = stack.telegram.createUser({ first_name: `Deliv${++n}`, language_code: 'en' });
  user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, undefined, WAIT);
  user.sendCommand('/settings');
  const settings = await stack.telegram.waitForBotMessage(user, (m) => /Language/.test(m.text ?? ''), WAIT);
  return { user, settings };
}

const attemptsOf = (updateId: number): DeliveryAttempt[] => stack.telegram.deliveries.filter((d) => d.update_id === updateId);

/** Advances the clock through the update's retries until it is delivered or dropped, or `stopAtMs` would pass. */
async function runRetries(updateId: number, stopAtMs = Number.POSITIVE_INFINITY): Promise<DeliveryAttempt[]> {
  for (let k = 1; ; k++) {
    const last = await stack.telegram.waitFor(() => attemptsOf(updateId)[k - 1], { ...WAIT, description: `attempt ${k}` });
    if (last.next === undefined || last.next === 'dropped') return attemptsOf(updateId);
    if (clock.now() + last.next.retryInMs > stopAtMs) return attemptsOf(updateId);
    clock.advance(last.next.retryInMs);
  }
}

async function drained(): Promise<void> {
  await stack.telegram.idle(WAIT);
  for (let i = 0; (await stack.db.sql`select 1 from jobs where state <> 'failed' limit 1`).length > 0; i++) {
    if (i > 600) throw new Error('queue did not drain');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('Telegram delivery and the product', () => {
  test('a press that overtakes the chat\'s refused message is handled first; the message is answered when it arrives', async () => {
    const { user, settings } = await newUserWithSettings();
    outage.refuse = (update) => update.message !== undefined;
    const typed = user.sendCommand('/help');
    await stack.telegram.waitFor(() => attemptsOf(typed.update.update_id)[1], WAIT);
    // The press comes after the message in update_id order, and reaches the bot first.
    const press = user.pressButton(settings, 'settings:lang:ru');
    assert.ok(press.update.update_id > typed.update.update_id);
    assert.equal(await press.delivered, 'delivered');
    const edited = await stack.telegram.waitFor(() => {
      const now = stack.telegram.messagesIn(user).find((m) => m.message_id === settings.message_id);
      return now?.edit_date !== undefined ? now : undefined;
    }, WAIT);
    assert.match(edited.text ?? '', /Язык: Русский/);
    outage.refuse = undefined;
    clock.advance(2000);
    assert.equal(await typed.delivered, 'delivered');
    // Handled after the press, so the reply to the earlier /help is already in Russian.
    const help = await stack.telegram.waitForBotMessage(user, (m) => m.message_id > settings.message_id, WAIT);
    assert.match(help.text ?? '', /Что я умею/);
    await drained();
  });

  test('an outage longer than 150 s loses the button press; the message typed before it is delivered afterwards', async () => {
    const { user, settings } = await newUserWithSettings();
    outage.refuse = () => true;
    const started = clock.now();
    const typed = user.sendCommand('/points');
    const press = user.pressButton(settings, 'settings:lang:ru');
    const pressAttempts = await runRetries(press.update.update_id);
    assert.equal(pressAttempts.at(-1)?.next, 'dropped');
    assert.equal(await press.delivered, 'dropped');
    assert.ok(clock.now() - started < 150_000 + 1, 'dropped within its 150 s');
    // The outage ends 200 s in; the message's next try comes after it and succeeds.
    await runRetries(typed.update.update_id, started + 200_000);
    outage.refuse = undefined;
    await runRetries(typed.update.update_id);
    assert.equal(await typed.delivered, 'delivered');
    await stack.telegram.waitForBotMessage(user, (m) => /Balance/.test(m.text ?? ''), WAIT);
    await drained();
    const jobs = await stack.db.sql`select 1 from processed_webhooks where update_id = ${press.update.update_id}`;
    assert.equal(jobs.length, 0, 'the press never reached the webhook');
    assert.equal(stack.telegram.callbackAnswer(press.update.callback_query!.id), undefined);
    assert.ok(stack.telegram.droppedUpdates.some((u) => u.update_id === press.update.update_id));
  });

  // The bot answers button presses best effort (shared/bot/answerCallbacksBestEffort.ts).
  test('a press the queue reaches after Telegram\'s answer window still changes the setting and the message', async () => {
    const { user, settings } = await newUserWithSettings();
    await stack.worker?.stop(1000);
    let late: StartedWorker | undefined;
    try {
      const press = user.pressButton(settings, 'settings:lang:ru');
      assert.equal(await press.delivered, 'delivered');
      clock.advance(20_000);
      const mark = stack.telegram.calls.length;
      late = await startWorker({
        sql: stack.db.sql, log: testLogger, botToken: stack.telegram.token, apiRoot: stack.telegram.apiRoot,
        apiRetry: { baseDelayMs: 50 }, runner: { listen: stack.db.kind === 'server', pollIntervalMs: 50 },
      });
      const answer = await stack.telegram.waitForCall('answerCallbackQuery', { since: mark, ...WAIT });
      assert.equal(answer.response.ok ? 'ok' : answer.response.description,
        'Bad Request: query is too old and response timeout expired or query ID is invalid');
      const edited = await stack.telegram.waitFor(() => {
        const now = stack.telegram.messagesIn(user).find((m) => m.message_id === settings.message_id);
        return now?.edit_date !== undefined ? now : undefined;
      }, WAIT);
      assert.match(edited.text ?? '', /Язык: Русский/);
      // The update commits after its edit: read the setting once the update is done.
      await stack.updatesDone({ workers: [late!] });
      const [row] = await stack.db.sql<{ locale: string | null }[]>`select locale from users where id = ${user.id}`;
      assert.equal(row?.locale, 'ru');
    } finally {
      await late?.stop(1000);
    }
  });
});
