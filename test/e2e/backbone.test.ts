import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message, Update } from 'grammy/types';
import { needsServer } from '../support/testDatabase.js';
import { type Stack, startStack } from '../support/startStack.js';

describe('the backbone, end to end through the Telegram emulator', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(async () => { await stack.stop(); });

  test('a user sends /start and gets the welcome with the main menu', async () => {
    const alice = stack.telegram.createUser({ first_name: 'Alice', language_code: 'en' });
    await alice.sendCommand('/start').delivered;
    const welcome = await stack.telegram.waitForBotMessage(alice, undefined, { timeoutMs: 10_000 });
    assert.match(welcome.text ?? '', /Alice/);
    assert.ok(welcome.reply_markup?.inline_keyboard.length, 'the welcome carries the inline main menu');
  });

  test('the same update delivered 5 times at once yields one reply', async () => {
    const bob = stack.telegram.createUser({ first_name: 'Bob' });
    // Bob opens the chat first (Telegram lets a bot write only to users who did).
    await bob.sendMessage('hello').delivered;
    await stack.telegram.waitForBotMessage(bob, undefined, { timeoutMs: 10_000 });
    const update = {
      update_id: 900_000_001,
      message: {
        message_id: 1, date: Math.floor(Date.now() / 1000), text: '/start',
        chat: { id: bob.id, type: 'private', first_name: 'Bob' },
        from: { id: bob.id, is_bot: false, first_name: 'Bob' },
        entities: [{ type: 'bot_command', offset: 0, length: 6 }],
      },
    } as Update;
    const answers = await Promise.all(Array.from({ length: 5 }, () => stack.telegram.deliverRaw(update)));
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200, 200]);
    await stack.telegram.waitForBotMessage(bob, (m) => /Welcome/.test(m.text ?? ''), { timeoutMs: 10_000 });
    // Give a second reply every chance to appear before counting.
    await stack.drained();
    const welcomes = stack.telegram.callsTo('sendMessage').filter((c) => c.params.chat_id === bob.id && /Welcome/.test(String(c.params.text)));
    assert.equal(welcomes.length, 1);
  });

  test('a wrong secret gets 401 and writes no row', async () => {
    const carol = stack.telegram.createUser({ first_name: 'Carol' });
    const update = { update_id: 900_000_100, message: { message_id: 1, date: 1, text: 'hi', chat: { id: carol.id, type: 'private', first_name: 'Carol' }, from: { id: carol.id, is_bot: false, first_name: 'Carol' } } } as Update;
    const wrong = await stack.telegram.deliverRaw(update, { secret: 'not-the-secret' });
    const missing = await stack.telegram.deliverRaw(update, { secret: null });
    assert.deepEqual([wrong.status, missing.status], [401, 401]);
    const rows = await stack.db.sql`
      select 1 from processed_webhooks where update_id = 900000100
      union all select 1 from jobs where (payload->>'update_id')::bigint = 900000100`;
    assert.equal(rows.length, 0);
  });
});

describe('several worker processes', () => {
  test('4 workers, 1,000 updates across 50 chats: each chat in update_id order, none twice, none lost', { skip: needsServer, timeout: 180_000 }, async () => {
    // 20 messages per user: the per-user rate limit (10/min) is raised so every one is answered.
    const stack = await startStack({ worker: false });
    try {
      const workers = Array.from({ length: 4 }, () => stack.spawnWorker({ WORKER_CONCURRENCY: '8', RATE_LIMIT_COMMANDS: '1000' }));
      const users = Array.from({ length: 50 }, (_, i) => stack.telegram.createUser({ first_name: `U${i}` }));
      const sent = new Map<number, number[]>(); // chat -> the user's message ids, in update_id order
      const actions = [];
      for (let round = 0; round < 20; round++) {
        for (const user of users) {
          const action = user.sendMessage(`message ${round}`);
          const message = action.update.message as Message;
          sent.set(user.id, [...(sent.get(user.id) ?? []), message.message_id]);
          actions.push(action.delivered);
        }
      }
      await Promise.all(actions);
      await stack.drained(120_000);
      const replies = stack.telegram.callsTo('sendMessage');
      assert.equal(replies.length, 1000, 'one reply per update');
      for (const user of users) {
        const answered = replies
          .filter((c) => c.params.chat_id === user.id)
          .map((c) => (c.params.reply_parameters as { message_id: number }).message_id);
        assert.deepEqual(answered, sent.get(user.id), `chat ${user.id} handled in order, each once`);
      }
      const failed = await stack.db.sql`select id, last_error from jobs where state = 'failed'`;
      assert.deepEqual(failed.map((r) => ({ ...r })), []);
      for (const w of workers) w.kill('SIGTERM');
      assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0, 0, 0]);
    } finally {
      await stack.stop();
    }
  });
});
