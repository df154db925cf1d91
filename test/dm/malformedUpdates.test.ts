import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { STACK_SECRET, type Stack, startStack } from '../support/startStack.js';
import { updateShapeProblems } from '../../shared/bot/updateShape.js';

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.stop(); });

const now = () => Math.floor(Date.now() / 1000);
const forged = [
  { update_id: 900001, message: { message_id: 1, date: now(), chat: { id: 4242, type: 'private', first_name: 'X' }, text: '/start' } },
  { update_id: 900002, message: { message_id: 2, date: now(), chat: { id: 4243, type: 'private', first_name: 'Y' }, from: { id: 4243, is_bot: false, first_name: 'Y' }, text: 12345 } },
  {
    update_id: 900003,
    my_chat_member: {
      chat: { id: -100777, type: 'supergroup' }, from: { id: 4244, is_bot: false, first_name: 'Z' }, date: now(),
      old_chat_member: { status: 'left', user: { id: 1, is_bot: true, first_name: 'Bot' } },
      new_chat_member: { status: 'administrator', user: { id: 1, is_bot: true, first_name: 'Bot' } },
    },
  },
];

test('the shape check names what is missing, by path, without the values', () => {
  assert.deepEqual(updateShapeProblems(forged[0]), ['message: a message outside a channel has a sender']);
  assert.match(updateShapeProblems(forged[1])!.join(), /^message\.text: /);
  assert.deepEqual(updateShapeProblems(forged[2]), ['my_chat_member.chat: a group or channel has a title']);
  assert.equal(updateShapeProblems({ update_id: 1, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, first_name: 'A' }, text: 'hi' } }), null);
});

test('forged updates (a message without from, text as a number, my_chat_member without a title) are dropped once, not retried', async () => {
  const failed: number[] = [];
  stack.worker!.runner.on('failed', (id: number) => failed.push(id));
  for (const update of forged) {
    const res = await fetch(stack.webhookUrl, {
      method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': STACK_SECRET }, body: JSON.stringify(update),
    });
    assert.equal(res.status, 200);
  }
  await stack.drained();
  assert.deepEqual(failed, [], 'no attempt failed: each was dropped at the first');
  // The forged updates' jobs are gone, none dead (a periodic task may be queued meanwhile: not ours to count).
  assert.equal((await stack.db.sql`select 1 from jobs where type = 'telegram_update'`).length, 0);
  const calls = stack.telegram.calls.filter((c) => [4242, 4243, -100777].includes(Number(c.params.chat_id)));
  assert.deepEqual(calls, [], 'nothing was sent for them');
  // A real user right after is served as usual.
  const user = stack.telegram.createUser({ first_name: 'Real', language_code: 'en' });
  user.sendCommand('/start');
  assert.match((await stack.telegram.waitForBotMessage(user, undefined, { timeoutMs: 15_000 })).text!, /Welcome, Real!/);
});
