import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { badRequest, botBlocked, serverError, tooManyRequests } from '../../emulator/telegram/index.js';
import { type Stack, startStack } from '../support/startStack.js';
import { waitFor } from '../support/waitFor.js';

/** Waits for the bot's successful sendMessage to `chatId` to be recorded. */
function sentTo(stack: Stack, chatId: number) {
  return stack.telegram.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === chatId && c.response.ok, { timeoutMs: 15_000 });
}

async function jobOf(stack: Stack, updateId: number) {
  const [row] = await stack.db.sql<{ state: string; attempts: number; last_error: string | null }[]>`
    select state, attempts, last_error from jobs where (payload->>'update_id')::bigint = ${updateId}`;
  return row;
}

describe('errors from Telegram', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(async () => { await stack.stop(); });

  test('429: the reply waits retry_after and is then sent', async () => {
    const user = stack.telegram.createUser({ first_name: 'Rita' });
    stack.telegram.failNext('sendMessage', tooManyRequests(1), { chatId: user.id });
    await user.sendCommand('/start').delivered;
    await sentTo(stack, user.id);
    const calls = stack.telegram.callsTo('sendMessage').filter((c) => c.params.chat_id === user.id);
    assert.equal(calls.length, 2);
    assert.ok(calls[1]!.at - calls[0]!.at >= 950, `retried after ${calls[1]!.at - calls[0]!.at} ms, expected retry_after 1 s`);
  });

  test('5xx: the call is retried and the reply arrives', async () => {
    const user = stack.telegram.createUser({ first_name: 'Sam' });
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: user.id, times: 2 });
    await user.sendCommand('/start').delivered;
    await sentTo(stack, user.id);
    assert.equal(stack.telegram.callsTo('sendMessage').filter((c) => c.params.chat_id === user.id).length, 3);
  });

  test('403 (the user blocked the bot): the update is dropped, no retries, no dead job', async () => {
    const user = stack.telegram.createUser({ first_name: 'Tom' });
    stack.telegram.failNext('sendMessage', botBlocked(), { chatId: user.id });
    const action = user.sendCommand('/start');
    await action.delivered;
    await stack.telegram.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === user.id, { timeoutMs: 10_000 });
    await stack.drained();
    assert.equal(await jobOf(stack, action.update.update_id), undefined, 'dropped, not kept');
    assert.equal(stack.telegram.callsTo('sendMessage').filter((c) => c.params.chat_id === user.id).length, 1);
  });

  test('400 (a request Telegram rejects): the job fails at once and is kept with the reason', async () => {
    const user = stack.telegram.createUser({ first_name: 'Uma' });
    stack.telegram.failNext('sendMessage', badRequest('message text is empty'), { chatId: user.id });
    const action = user.sendCommand('/start');
    await action.delivered;
    await waitFor('the job to fail', async () => (await jobOf(stack, action.update.update_id))?.state === 'failed', { on: [stack.worker!.runner, 'failed'] });
    const job = await jobOf(stack, action.update.update_id);
    assert.equal(job?.attempts, 1);
    assert.match(job?.last_error ?? '', /Telegram rejected sendMessage: Bad Request: message text is empty/);
  });
});
