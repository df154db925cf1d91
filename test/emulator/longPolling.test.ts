import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { Api, Bot, GrammyError } from 'grammy';
import { TelegramEmulator } from '../../emulator/telegram/index.js';

let telegram: TelegramEmulator;
let api: Api;

beforeEach(async () => {
  telegram = await TelegramEmulator.start();
  api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
});
afterEach(() => telegram.close());

describe('getUpdates long polling', () => {
  test('a waiting getUpdates returns as soon as an update arrives', async () => {
    const started = Date.now();
    const poll = api.getUpdates({ timeout: 10 });
    const alice = telegram.createUser({ first_name: 'Alice' });
    setTimeout(() => alice.sendMessage('hi'), 50);
    const updates = await poll;
    assert.equal(updates.length, 1);
    assert.equal(updates[0]?.message?.text, 'hi');
    assert.ok(Date.now() - started < 8000, "returned before its 10 s timeout");
  });

  test('with nothing to return it waits `timeout` seconds and returns []', async () => {
    const started = Date.now();
    assert.deepEqual(await api.getUpdates({ timeout: 1 }), []);
    assert.ok(Date.now() - started >= 950);
    assert.deepEqual(await api.getUpdates({ timeout: 0 }), []);
  });

  test('updates stay until a higher offset confirms them; `delivered` resolves then', async () => {
    const alice = telegram.createUser({ first_name: 'Alice' });
    const first = alice.sendMessage('one');
    alice.sendMessage('two');
    alice.sendMessage('three');
    let confirmed = false;
    void first.delivered.then(() => (confirmed = true));

    const page = await api.getUpdates({ limit: 2 });
    assert.deepEqual(page.map((u) => u.message?.text), ['one', 'two']);
    assert.deepEqual((await api.getUpdates()).map((u) => u.message?.text), ['one', 'two', 'three'], 'not confirmed yet');
    assert.equal(confirmed, false);

    const rest = await api.getUpdates({ offset: (page[1]?.update_id ?? 0) + 1 });
    assert.deepEqual(rest.map((u) => u.message?.text), ['three']);
    assert.equal(await first.delivered, 'delivered');
    assert.equal((await api.getWebhookInfo()).pending_update_count, 1);

    await api.getUpdates({ offset: (rest[0]?.update_id ?? 0) + 1 });
    await telegram.idle({ timeoutMs: 100 });
  });

  test('a negative offset keeps only the last updates', async () => {
    const alice = telegram.createUser({ first_name: 'Alice' });
    for (const text of ['a', 'b', 'c']) alice.sendMessage(text);
    assert.deepEqual((await api.getUpdates({ offset: -1 })).map((u) => u.message?.text), ['c']);
    assert.equal(telegram.pendingUpdateIds.length, 1);
  });

  test('a second getUpdates ends the waiting one with 409, as when two bot instances run', async () => {
    const first = api.getUpdates({ timeout: 5 });
    await telegram.waitFor(() => telegram.longPollWaiting || undefined);
    const second = api.getUpdates({ timeout: 0 });
    await assert.rejects(first, (error: unknown) => error instanceof GrammyError && error.error_code === 409 &&
      error.description === 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running');
    assert.deepEqual(await second, []);
  });

  test('allowed_updates passed to getUpdates filters later updates', async () => {
    await api.getUpdates({ allowed_updates: ['callback_query'] });
    const action = telegram.createUser({ first_name: 'Alice' }).sendMessage('ignored');
    assert.equal(action.queued, false);
    assert.equal(await action.delivered, 'dropped');
  });

  test('close() answers a waiting getUpdates so nothing hangs', async () => {
    const poll = api.getUpdates({ timeout: 30 }).catch((error: unknown) => error);
    await telegram.waitFor(() => telegram.longPollWaiting || undefined);
    await telegram.close();
    await poll;
  });
});

describe('a grammY bot polling the emulator', () => {
  test('answers /start with a keyboard, handles the button press and edits its message', async () => {
    const bot = new Bot(telegram.token, { client: { apiRoot: telegram.apiRoot } });
    bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.from?.first_name}! Invited by ${ctx.match}`, {
      reply_markup: { inline_keyboard: [[{ text: 'Claim bonus', callback_data: 'claim' }]] },
    }));
    bot.callbackQuery('claim', async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Bonus claimed' });
      await ctx.editMessageText('Bonus claimed ✅');
    });
    const running = bot.start({ timeout: 1 });
    try {
      const alice = telegram.createUser({ first_name: 'Alice', username: 'alice' });
      alice.sendCommand('/start', 'ref_42');
      const welcome = await telegram.waitForBotMessage(alice);
      assert.equal(welcome.text, 'Welcome, Alice! Invited by ref_42');

      const press = alice.pressButton(welcome, { text: 'Claim bonus' });
      await telegram.waitForCall((call) => call.method === 'editMessageText');
      assert.equal(telegram.callbackAnswer(press.update.callback_query?.id ?? '')?.text, 'Bonus claimed');
      const edited = telegram.lastBotMessage(alice);
      assert.equal(edited?.message_id, welcome.message_id);
      assert.equal(edited?.text, 'Bonus claimed ✅');
      assert.equal(edited?.reply_markup, undefined);
      assert.equal(await press.delivered, 'delivered');
    } finally {
      await bot.stop();
      await running;
    }
  });
});
