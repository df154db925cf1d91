import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Api, GrammyError } from 'grammy';
import type { Message } from 'grammy/types';
import { type DeliveryAttempt, ManualClock, TelegramEmulator } from '../../emulator/telegram/index.js';
import { startWebhookReceiver } from './startWebhookReceiver.js';

// Delivery as the Bot API server does it (tdlib/telegram-bot-api WebhookActor.cpp, Client.cpp):
// separate queues per kind of update, a backoff that gives up at the update's expiry, Retry-After,
// the 60 s read timeout, which webhook replies run, and the deadlines of answers. Time is a
// ManualClock, so minutes and days pass without waiting.

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

let telegram: TelegramEmulator;
let receiver: Receiver;
let clock: ManualClock;
let api: Api;

before(async () => {
  receiver = await startWebhookReceiver();
});
after(() => receiver.close());
afterEach(async () => {
  await telegram.close();
  receiver.reset();
});

async function start(options: Parameters<typeof TelegramEmulator.start>[0] = {}): Promise<void> {
  clock = new ManualClock(Date.UTC(2026, 0, 5, 12));
  telegram = await TelegramEmulator.start({ clock, ...options });
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  telegram.setWebhook({ url: receiver.url });
}

const attemptsOf = (updateId: number): DeliveryAttempt[] => telegram.deliveries.filter((d) => d.update_id === updateId);

/** Waits for the update's `n`-th finished attempt and returns it. */
function attempt(updateId: number, n: number): Promise<DeliveryAttempt> {
  return telegram.waitFor(() => attemptsOf(updateId)[n - 1], { description: `attempt ${n} of update ${updateId}` });
}

/**
 * Lets a failing update run its course: after each failed attempt advances the clock by the
 * wait the emulator chose, until the update is delivered or dropped. Returns its attempts.
 */
async function runRetries(updateId: number): Promise<DeliveryAttempt[]> {
  for (let n = 1; ; n++) {
    const last = await attempt(updateId, n);
    if (last.next === undefined || last.next === 'dropped') return attemptsOf(updateId);
    clock.advance(last.next.retryInMs);
  }
}

/** Polls `check` until true: the receiver's requests are not emulator changes that waitFor sees. */
async function until(check: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > 5000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const received = (updateId: number) => () => receiver.received.some((r) => r.update.update_id === updateId);

/** A user who started the bot and got a message with a button `data`. */
async function userWithButton(data = 'pick:1'): Promise<{ user: ReturnType<TelegramEmulator['createUser']>; message: Message }> {
  const user = telegram.createUser({ first_name: 'Alice' });
  await user.sendCommand('/start').delivered;
  const message = await api.sendMessage(user.id, 'Pick one', {
    reply_markup: { inline_keyboard: [[{ text: 'One', callback_data: data }]] },
  });
  return { user, message };
}

describe('delivery queues', () => {
  test('a button press reaches the webhook while the same chat\'s earlier message is still unanswered', async () => {
    await start();
    const { user, message } = await userWithButton();
    let answerMessage: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { answerMessage = resolve; });
    receiver.respondWith((update) => (update.message !== undefined ? { status: 200, until: held } : { status: 200 }));
    const sent = user.sendMessage('a question');
    await until(received(sent.update.update_id), 'the message');
    const press = user.pressButton(message, 'pick:1');
    assert.equal(await press.delivered, 'delivered', 'the press did not wait for the message');
    assert.deepEqual(telegram.pendingUpdateIds, [sent.update.update_id]);
    answerMessage();
    assert.equal(await sent.delivered, 'delivered');
  });

  test('a press overtakes the same chat\'s message that is being redelivered, and arrives first', async () => {
    await start();
    const { user, message } = await userWithButton();
    receiver.respondWith((update) => ({ status: update.message !== undefined ? 503 : 200 }));
    const sent = user.sendMessage('typed before the press');
    await attempt(sent.update.update_id, 2);
    const press = user.pressButton(message, 'pick:1');
    assert.equal(await press.delivered, 'delivered');
    receiver.respondWith(() => ({ status: 200 }));
    clock.advance(2000);
    assert.equal(await sent.delivered, 'delivered');
    assert.ok(sent.update.update_id < press.update.update_id, 'the message has the lower update_id');
    const delivered = telegram.deliveries.filter((d) => d.status === 200).map((d) => d.update_id);
    assert.ok(delivered.indexOf(press.update.update_id) < delivered.indexOf(sent.update.update_id),
      `delivered in ${delivered.join(', ')}`);
  });

  test('one user\'s presses share a queue: the second waits for the first', async () => {
    await start();
    const { user, message } = await userWithButton();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    receiver.respondWith((update) => (update.callback_query?.data === 'pick:1' ? { status: 200, until: held } : { status: 200 }));
    const first = user.pressButton(message, 'pick:1');
    const second = user.pressButton(message, 'pick:1');
    await until(received(first.update.update_id), 'the first press');
    const other = telegram.createUser({ first_name: 'Bob' });
    await other.sendCommand('/start').delivered;
    assert.equal(receiver.received.some((r) => r.update.update_id === second.update.update_id), false);
    release();
    assert.equal(await second.delivered, 'delivered');
  });

  test('my_chat_member has a queue apart from the chat\'s messages', async () => {
    await start();
    const user = telegram.createUser({ first_name: 'Alice' });
    await user.sendCommand('/start').delivered;
    receiver.respondWith((update) => ({ status: update.message !== undefined ? 503 : 200 }));
    const sent = user.sendMessage('stuck');
    await attempt(sent.update.update_id, 1);
    assert.equal(await user.blockBot().delivered, 'delivered');
  });
});

describe('redelivery', () => {
  test('retries at once, then after 2, 4, 8, 16, 32, 64 s, then at a random 60–120 s', async () => {
    await start();
    receiver.respondWith(() => ({ status: 503 }));
    const user = telegram.createUser({ first_name: 'Alice' });
    const sent = user.sendMessage('hello');
    const waits: number[] = [];
    for (let n = 1; n <= 10; n++) {
      const next = (await attempt(sent.update.update_id, n)).next;
      assert.ok(next !== undefined && next !== 'dropped', `attempt ${n} was not rescheduled`);
      waits.push(next.retryInMs);
      clock.advance(next.retryInMs);
    }
    assert.deepEqual(waits.slice(0, 6), [0, 2000, 4000, 8000, 16000, 32000]);
    // 64 s, unless this failure's random cap (60–120 s) came out lower.
    assert.ok(waits[6]! >= 60_000 && waits[6]! <= 64_000, `seventh wait ${waits[6]} ms`);
    for (const wait of waits.slice(7)) assert.ok(wait >= 60_000 && wait <= 120_000, `capped wait ${wait} ms`);
    const info = await api.getWebhookInfo();
    assert.equal(info.last_error_message, 'Wrong response from the webhook: 503 Service Unavailable');
  });

  test('an update is not sent again before its wait has passed on the clock', async () => {
    await start();
    receiver.respondWith(() => ({ status: 503 }));
    const sent = telegram.createUser({ first_name: 'Alice' }).sendMessage('hello');
    await attempt(sent.update.update_id, 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal(attemptsOf(sent.update.update_id).length, 2, 'the 2 s wait ran on the wall clock');
    clock.advance(1999);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(attemptsOf(sent.update.update_id).length, 2);
    clock.advance(1);
    await attempt(sent.update.update_id, 3);
  });

  test('a callback query failing for 150 s is dropped and never delivered later', async () => {
    await start();
    const { user, message } = await userWithButton();
    receiver.respondWith(() => ({ status: 503 }));
    const start0 = clock.now();
    const press = user.pressButton(message, 'pick:1');
    const attempts = await runRetries(press.update.update_id);
    assert.equal(attempts.at(-1)?.next, 'dropped');
    assert.equal(await press.delivered, 'dropped');
    // 0, 2, 6, 14, 30, 62 and ~126 s (64 s, or a random cap of 60–64 s): the next wait (60–120 s) would pass 150 s.
    const seconds = attempts.map((a) => (a.at - start0) / 1000);
    assert.deepEqual(seconds.slice(0, 7), [0, 0, 2, 6, 14, 30, 62]);
    assert.equal(seconds.length, 8);
    assert.ok(seconds[7]! >= 122 && seconds[7]! <= 126, `last try at ${seconds[7]} s`);
    assert.deepEqual(telegram.droppedUpdates.map((u) => u.update_id), [press.update.update_id]);
    receiver.respondWith(() => ({ status: 200 }));
    const later = user.sendMessage('back again');
    assert.equal(await later.delivered, 'delivered');
    assert.equal(receiver.received.filter((r) => r.update.update_id === press.update.update_id && r.at > 0).length, 8);
    assert.deepEqual(telegram.pendingUpdateIds, []);
  });

  test('a message is retried for a day after its date, then dropped', async () => {
    await start();
    receiver.respondWith(() => ({ status: 503, headers: { 'retry-after': '3600' } }));
    const sent = telegram.createUser({ first_name: 'Alice' }).sendMessage('hello');
    const attempts = await runRetries(sent.update.update_id);
    assert.equal(attempts.at(-1)?.next, 'dropped');
    const hours = attempts.map((a) => Math.round((a.at - (sent.update.message?.date ?? 0) * 1000) / 3_600_000));
    assert.equal(hours.at(-1), 24, `last attempt ${hours.at(-1)} h after the message`);
    assert.equal(attempts.length, 25);
  });

  test('Retry-After from the webhook sets the wait, up to 3600 s', async () => {
    await start();
    receiver.respondWith(() => ({ status: 429, headers: { 'retry-after': '30' } }));
    const sent = telegram.createUser({ first_name: 'Alice' }).sendMessage('hello');
    assert.deepEqual((await attempt(sent.update.update_id, 1)).next, { retryInMs: 30_000 });
    receiver.respondWith(() => ({ status: 503, headers: { 'retry-after': '99999' } }));
    clock.advance(30_000);
    assert.deepEqual((await attempt(sent.update.update_id, 2)).next, { retryInMs: 3_600_000 });
  });

  test('a Retry-After past a callback query\'s expiry drops it at once', async () => {
    await start();
    const { user, message } = await userWithButton();
    receiver.respondWith(() => ({ status: 503, headers: { 'retry-after': '200' } }));
    const press = user.pressButton(message, 'pick:1');
    assert.equal(await press.delivered, 'dropped');
    assert.equal(attemptsOf(press.update.update_id).length, 1);
  });

  test('a webhook answering within 60 s gets one delivery; after 60 s the attempt fails with a read timeout', async () => {
    await start();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => { release = resolve; });
    receiver.respondWith((_update, n) => (n === 1 ? { status: 200, until: held } : { status: 200 }));
    const user = telegram.createUser({ first_name: 'Alice' });
    const slow = user.sendMessage('takes 15 s');
    await until(received(slow.update.update_id), 'the slow message');
    clock.advance(15_000);
    release();
    assert.equal(await slow.delivered, 'delivered');
    assert.equal(attemptsOf(slow.update.update_id).length, 1);

    receiver.respondWith((_update, n) => (n === 1 ? { status: 200, until: new Promise(() => undefined) } : { status: 200 }));
    const hung = user.sendMessage('never answered');
    await until(received(hung.update.update_id), 'the hung message');
    clock.advance(60_001);
    const first = await attempt(hung.update.update_id, 1);
    assert.equal(first.error, 'Read timeout expired');
    assert.equal(await hung.delivered, 'delivered');
  });
});

describe('webhook replies', () => {
  const reply = (body: Record<string, unknown>) => ({ status: 200, body });

  test('a JSON or form reply runs its method; a text/plain one does not', async () => {
    await start();
    const user = telegram.createUser({ first_name: 'Alice' });
    receiver.respondWith(() => reply({ method: 'sendMessage', chat_id: user.id, text: 'json reply' }));
    await user.sendMessage('1').delivered;
    await telegram.waitForBotMessage(user, (m) => m.text === 'json reply');
    receiver.respondWith(() => ({ status: 200, headers: { 'content-type': 'application/x-www-form-urlencoded' },
      text: new URLSearchParams({ method: 'sendMessage', chat_id: String(user.id), text: 'form reply' }).toString() }));
    await user.sendMessage('2').delivered;
    await telegram.waitForBotMessage(user, (m) => m.text === 'form reply');
    receiver.respondWith(() => ({ status: 200, headers: { 'content-type': 'text/plain' },
      text: JSON.stringify({ method: 'sendMessage', chat_id: user.id, text: 'plain reply' }) }));
    await user.sendMessage('3').delivered;
    await user.sendMessage('4').delivered;
    assert.equal(telegram.callsTo('sendMessage').length, 2);
  });

  test('get*, setWebhook, deleteWebhook, close and logOut replies are ignored', async () => {
    await start();
    const user = telegram.createUser({ first_name: 'Alice' });
    for (const method of ['getMe', 'getUpdates', 'deleteWebhook', 'setWebhook', 'close', 'logOut']) {
      receiver.respondWith(() => reply({ method, url: '' }));
      await user.sendMessage(method).delivered;
    }
    receiver.respondWith(() => reply({ method: 'sendChatAction', chat_id: user.id, action: 'typing' }));
    await user.sendMessage('last').delivered;
    await telegram.waitForCall('sendChatAction');
    assert.deepEqual(telegram.calls.map((call) => call.method), ['sendChatAction']);
    assert.equal(telegram.webhook?.url, receiver.url);
  });
});

describe('answer deadlines', () => {
  const TOO_OLD = 'Bad Request: query is too old and response timeout expired or query ID is invalid';
  const rejects400 = (promise: Promise<unknown>) => assert.rejects(promise, (error: unknown) =>
    error instanceof GrammyError && error.error_code === 400 && error.description === TOO_OLD);

  test('a callback query answered after 15 s gets "query is too old"; within them it is accepted', async () => {
    await start();
    const { user, message } = await userWithButton();
    const late = user.pressButton(message, 'pick:1').update.callback_query!;
    const quick = user.pressButton(message, 'pick:1').update.callback_query!;
    clock.advance(14_000);
    assert.equal(await api.answerCallbackQuery(quick.id, { text: 'ok' }), true);
    clock.advance(1_001);
    await rejects400(api.answerCallbackQuery(late.id));
    assert.equal(telegram.callbackAnswer(late.id), undefined);
    // The rest of the update's work is unaffected: the message can still be edited.
    const edited = await api.editMessageText(user.id, message.message_id, 'Picked');
    assert.equal(typeof edited === 'object' && 'text' in edited && edited.text, 'Picked');
  });

  test('a pre-checkout query answered after 10 s fails and no payment happens', async () => {
    await start();
    const user = telegram.createUser({ first_name: 'Payer' });
    await user.sendCommand('/start').delivered;
    const invoice = await api.sendInvoice(user.id, 'Plan', 'One month', 'plan:1', 'XTR', [{ label: 'Plan', amount: 100 }]);
    const query = user.payInvoice(invoice).update.pre_checkout_query!;
    clock.advance(10_001);
    await rejects400(api.answerPreCheckoutQuery(query.id, true));
    await telegram.idle();
    assert.equal(telegram.updates.some((u) => u.message?.successful_payment !== undefined), false);
  });

  test('the windows are configurable', async () => {
    await start({ answerWindows: { callbackQueryMs: 60_000, preCheckoutQueryMs: 1_000 } });
    const { user, message } = await userWithButton();
    const press = user.pressButton(message, 'pick:1').update.callback_query!;
    clock.advance(30_000);
    assert.equal(await api.answerCallbackQuery(press.id), true);
  });
});

describe('join requests', () => {
  test('user_chat_id can be messaged for 5 minutes, until the request is processed', async () => {
    await start();
    const owner = telegram.createUser({ first_name: 'Owner' });
    const group = telegram.createGroup({ title: 'Club', members: [owner] });
    group.addBot({ asAdmin: true });
    const early = telegram.createUser({ first_name: 'Early' });
    const approved = telegram.createUser({ first_name: 'Approved' });
    const late = telegram.createUser({ first_name: 'Late' });
    const earlyRequest = early.requestToJoin(group).update.chat_join_request!;
    const approvedRequest = approved.requestToJoin(group).update.chat_join_request!;
    const lateRequest = late.requestToJoin(group).update.chat_join_request!;

    assert.equal((await api.sendMessage(earlyRequest.user_chat_id, 'Hello before approval')).text, 'Hello before approval');
    await api.approveChatJoinRequest(group.id, approved.id);
    const cannot = "Forbidden: bot can't initiate conversation with a user";
    await assert.rejects(api.sendMessage(approvedRequest.user_chat_id, 'after approval'),
      (error: unknown) => error instanceof GrammyError && error.error_code === 403 && error.description === cannot);
    clock.advance(5 * 60_000 + 1000);
    await assert.rejects(api.sendMessage(lateRequest.user_chat_id, 'too late'),
      (error: unknown) => error instanceof GrammyError && error.description === cannot);
    await assert.rejects(api.sendMessage(earlyRequest.user_chat_id, 'again, too late'),
      (error: unknown) => error instanceof GrammyError && error.description === cannot);
  });

  test('a requester who started the bot stays reachable after the request is processed', async () => {
    await start();
    const group = telegram.createGroup({ title: 'Club' });
    group.addBot({ asAdmin: true });
    const user = telegram.createUser({ first_name: 'Known' });
    await user.sendCommand('/start').delivered;
    user.requestToJoin(group);
    await api.approveChatJoinRequest(group.id, user.id);
    clock.advance(60 * 60_000);
    assert.equal((await api.sendMessage(user.id, 'still here')).text, 'still here');
  });
});
