import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { Api, GrammyError } from 'grammy';
import type { Update } from 'grammy/types';
import { ManualClock, TelegramEmulator } from '../../emulator/telegram/index.js';
import { startWebhookReceiver } from './startWebhookReceiver.js';

type Receiver = Awaited<ReturnType<typeof startWebhookReceiver>>;

let telegram: TelegramEmulator;
let receiver: Receiver;

before(async () => {
  receiver = await startWebhookReceiver();
});
after(() => receiver.close());
afterEach(async () => {
  await telegram.close();
  receiver.reset();
});

async function start(options: Parameters<typeof TelegramEmulator.start>[0] = {}): Promise<Api> {
  telegram = await TelegramEmulator.start({ redelivery: { initialMs: 20, maxMs: 100 }, ...options });
  return new Api(telegram.token, { apiRoot: telegram.apiRoot });
}

const chatOf = (update: Update) => update.message?.chat.id ?? update.callback_query?.from.id;

describe('webhook delivery', () => {
  test('each update is POSTed as JSON with the secret header, update ids counting up from startUpdateId', async () => {
    await start({ startUpdateId: 5000 });
    telegram.setWebhook({ url: receiver.url, secret_token: 's3cret_TOKEN-1' });
    const alice = telegram.createUser({ first_name: 'Alice' });
    const bob = telegram.createUser({ first_name: 'Bob' });
    const first = alice.sendCommand('/start', 'ref_7');
    bob.sendMessage('hello');
    assert.equal(await first.delivered, 'delivered');
    await telegram.idle();

    assert.deepEqual(receiver.received.map((r) => r.update.update_id).sort(), [5000, 5001]);
    for (const { headers } of receiver.received) {
      assert.equal(headers['x-telegram-bot-api-secret-token'], 's3cret_TOKEN-1');
      assert.equal(headers['content-type'], 'application/json');
    }
    const command = receiver.received.find((r) => r.update.update_id === 5000)?.update.message;
    assert.equal(command?.text, '/start ref_7');
    assert.deepEqual(command?.entities, [{ type: 'bot_command', offset: 0, length: 6 }]);
    assert.deepEqual(command?.from, { id: alice.id, is_bot: false, first_name: 'Alice' });
    assert.deepEqual(command?.chat, { id: alice.id, type: 'private', first_name: 'Alice' });
    assert.deepEqual(telegram.deliveries.map((d) => [d.attempt, d.status]), [[1, 200], [1, 200]]);
  });

  test('no secret header when none was set', async () => {
    await start();
    telegram.setWebhook({ url: receiver.url });
    await telegram.createUser({ first_name: 'Al' }).sendMessage('hi').delivered;
    assert.equal(receiver.received[0]?.headers['x-telegram-bot-api-secret-token'], undefined);
  });

  test('one chat\'s updates arrive one at a time in update_id order while other chats proceed', async () => {
    await start();
    const inFlight = new Map<number, number>();
    const overlaps: number[] = [];
    receiver.respondWith((update) => {
      const chat = chatOf(update) ?? 0;
      inFlight.set(chat, (inFlight.get(chat) ?? 0) + 1);
      if ((inFlight.get(chat) ?? 0) > 1) overlaps.push(update.update_id);
      // Alice's updates are slow to handle; Bob's are quick.
      const delayMs = update.message?.text?.startsWith('alice') === true ? 80 : 0;
      setTimeout(() => inFlight.set(chat, (inFlight.get(chat) ?? 1) - 1), delayMs);
      return { status: 200, delayMs };
    });
    telegram.setWebhook({ url: receiver.url });
    const alice = telegram.createUser({ first_name: 'Alice' });
    const bob = telegram.createUser({ first_name: 'Bob' });
    for (let i = 1; i <= 3; i++) alice.sendMessage(`alice ${i}`);
    const bobs = bob.sendMessage('bob 1');
    await bobs.delivered;
    assert.ok(receiver.received.filter((r) => chatOf(r.update) === alice.id).length < 3,
      'Bob\'s update did not wait for Alice\'s slow ones');
    await telegram.idle();
    assert.deepEqual(overlaps, []);
    assert.deepEqual(receiver.received.filter((r) => chatOf(r.update) === alice.id).map((r) => r.update.message?.text),
      ['alice 1', 'alice 2', 'alice 3']);
  });

  test('a non-2xx answer is redelivered after a backoff, and the chat\'s later updates wait for it', async () => {
    const api = await start();
    receiver.respondWith((update, attempt) => ({ status: update.message?.text === 'first' && attempt <= 2 ? 500 : 200 }));
    telegram.setWebhook({ url: receiver.url });
    const alice = telegram.createUser({ first_name: 'Alice' });
    const first = alice.sendMessage('first');
    alice.sendMessage('second');
    await telegram.idle();
    assert.deepEqual(receiver.received.map((r) => r.update.message?.text), ['first', 'first', 'first', 'second']);
    const id = first.update.update_id;
    assert.deepEqual(telegram.deliveries.map((d) => [d.update_id, d.attempt, d.status]),
      [[id, 1, 500], [id, 2, 500], [id, 3, 200], [id + 1, 1, 200]]);
    // As the Bot API server: the first failure is retried at once, the second after initialMs.
    assert.deepEqual(telegram.deliveries.slice(0, 2).map((d) => d.next), [{ retryInMs: 0 }, { retryInMs: 20 }]);
    const gap = (receiver.received[2]?.at ?? 0) - (receiver.received[1]?.at ?? 0);
    assert.ok(gap >= 15, `the second retry waited ${gap} ms`);
    const info = await api.getWebhookInfo();
    assert.equal(info.url, receiver.url);
    assert.equal(info.pending_update_count, 0);
    assert.equal(info.last_error_message, 'Wrong response from the webhook: 500 Internal Server Error');
  });

  test('connection failures are retried until the webhook is reachable', async () => {
    const clock = new ManualClock();
    const api = await start({ clock });
    const closed = await startWebhookReceiver();
    await closed.close();
    await api.setWebhook(closed.url);
    const alice = telegram.createUser({ first_name: 'Alice' });
    const action = alice.sendMessage('are you there?');
    await telegram.waitFor(() => (telegram.deliveries.length >= 2 ? true : undefined));
    assert.equal(telegram.deliveries[0]?.status, null);
    assert.equal((await api.getWebhookInfo()).last_error_message, 'Connection refused');
    clock.advance(1000);
    await api.setWebhook(receiver.url);
    // Let the retry's backoff pass on the emulator's clock until the update gets through.
    let outcome: string | undefined;
    void action.delivered.then((o) => { outcome = o; });
    while (outcome === undefined) {
      clock.advance(100);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    assert.equal(outcome, 'delivered');
    assert.equal(receiver.received[0]?.update.message?.text, 'are you there?');
  });

  test('max_connections bounds concurrent deliveries across chats', async () => {
    await start();
    let inFlight = 0;
    let peak = 0;
    receiver.respondWith(() => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => inFlight--, 30);
      return { status: 200, delayMs: 30 };
    });
    telegram.setWebhook({ url: receiver.url, max_connections: 2 });
    for (const name of ['A', 'B', 'C', 'D', 'E']) telegram.createUser({ first_name: name }).sendMessage('hi');
    await telegram.idle();
    assert.equal(receiver.received.length, 5);
    assert.equal(peak, 2);
  });

  test('allowed_updates set by the bot filters update types; chat_member only when listed', async () => {
    const clock = new ManualClock();
    const api = await start({ clock });
    await api.setWebhook(receiver.url, { allowed_updates: ['message'] });
    const alice = telegram.createUser({ first_name: 'Alice' });
    alice.sendMessage('hi');
    const sent = await api.sendMessage(alice.id, 'Pick', { reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
    const press = alice.pressButton(sent, 'a');
    assert.equal(press.queued, false);
    assert.equal(press.update.update_id, 0);
    await telegram.idle();
    assert.deepEqual(receiver.received.map((r) => Object.keys(r.update)[1]), ['message']);
    assert.deepEqual((await api.getWebhookInfo()).allowed_updates, ['message']);

    const group = telegram.createGroup({ title: 'G', creator: alice });
    clock.advance(1000); // setWebhook with a URL: once a second
    await api.setWebhook(receiver.url); // allowed_updates unset: Telegram keeps the previous list
    group.addBot({ asAdmin: true });
    const joinedWithoutAsking = telegram.createUser({ first_name: 'Bo' }).join(group);
    assert.equal(telegram.updates.some((u) => u.chat_member !== undefined), false);
    assert.equal(joinedWithoutAsking.queued, true);
  });

  test('deliverRaw posts outside the queue: concurrent duplicates, a wrong secret, no secret', async () => {
    await start();
    telegram.setWebhook({ url: receiver.url, secret_token: 'right' });
    const update = telegram.deliver({ message: { message_id: 1, date: 1, chat: { id: 1, type: 'private', first_name: 'X' },
      text: 'dup' } } as never).update;
    await telegram.idle();
    receiver.received.length = 0;
    const responses = await Promise.all(Array.from({ length: 5 }, () => telegram.deliverRaw(update)));
    assert.deepEqual(responses.map((r) => r.status), [200, 200, 200, 200, 200]);
    assert.equal(receiver.received.length, 5);
    assert.ok(receiver.received.every((r) => r.update.update_id === update.update_id));

    receiver.respondWith((_u) => ({ status: 401 }));
    receiver.received.length = 0;
    assert.equal((await telegram.deliverRaw(update, { secret: 'wrong' })).status, 401);
    assert.equal(receiver.received[0]?.headers['x-telegram-bot-api-secret-token'], 'wrong');
    await telegram.deliverRaw(update, { secret: null });
    assert.equal(receiver.received[1]?.headers['x-telegram-bot-api-secret-token'], undefined);
    assert.ok(telegram.deliveries.filter((d) => d.attempt === 0).length >= 7, 'raw deliveries are recorded with attempt 0');
  });

  test('deliver keeps chosen update ids, duplicates included, and later ids continue above them', async () => {
    await start({ startUpdateId: 10 });
    telegram.setWebhook({ url: receiver.url });
    const y = telegram.createUser({ first_name: 'Y' });
    const body = { message: { message_id: 1, date: 1, chat: { id: y.id, type: 'private', first_name: 'Y' }, text: 'x' } };
    telegram.deliver({ update_id: 500, ...body } as Update);
    telegram.deliver({ update_id: 500, ...body } as Update);
    const next = y.sendMessage('y');
    await telegram.idle();
    assert.equal(next.update.update_id, 501);
    assert.deepEqual(receiver.received.map((r) => r.update.update_id), [500, 500, 501]);
  });

  test('a webhook may answer with a method call, which Telegram executes', async () => {
    await start();
    receiver.respondWith((update) => ({
      status: 200,
      body: { method: 'sendMessage', chat_id: update.message?.chat.id, text: 'replied in the webhook response' },
    }));
    telegram.setWebhook({ url: receiver.url });
    const alice = telegram.createUser({ first_name: 'Alice' });
    alice.sendCommand('/start');
    const reply = await telegram.waitForBotMessage(alice);
    assert.equal(reply.text, 'replied in the webhook response');
    assert.equal((await telegram.waitForCall('sendMessage')).viaWebhookReply, true);
  });

  test('getUpdates is refused with 409 while a webhook is set', async () => {
    const api = await start();
    telegram.setWebhook({ url: receiver.url });
    await assert.rejects(api.getUpdates(), (error: unknown) => {
      assert.ok(error instanceof GrammyError);
      assert.equal(error.error_code, 409);
      assert.equal(error.description,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      return true;
    });
  });

  test('idle() fails with the pending update ids when the webhook keeps failing', async () => {
    await start();
    receiver.respondWith(() => ({ status: 503 }));
    telegram.setWebhook({ url: receiver.url });
    const action = telegram.createUser({ first_name: 'Alice' }).sendMessage('hi');
    await assert.rejects(telegram.idle({ timeoutMs: 150 }), new RegExp(`update ${action.update.update_id}`));
  });
});

describe('hand-made updates', () => {
  test('a raw private message from a known user lets the bot answer them, as the real message would', async () => {
    const api = await start();
    telegram.setWebhook({ url: receiver.url });
    const bob = telegram.createUser({ first_name: 'Bob' });
    const update = {
      update_id: 900_000_001,
      message: { message_id: 1, date: 1, text: '/start', chat: { id: bob.id, type: 'private', first_name: 'Bob' },
        from: { id: bob.id, is_bot: false, first_name: 'Bob' } },
    } as Update;
    await telegram.deliverRaw(update);
    assert.equal((await api.sendMessage(bob.id, 'Welcome')).text, 'Welcome');
    assert.equal((await telegram.waitForBotMessage(bob)).text, 'Welcome');
  });
});
