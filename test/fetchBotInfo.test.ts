import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import { Api } from 'grammy';
import { TelegramEmulator, serverError } from '../emulator/telegram/index.js';
import { BotTokenRejectedError, TelegramUnreachableError, fetchBotInfo } from '../worker/fetchBotInfo.js';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

test('getMe is retried a bounded number of times, each failure reported with the wait before the next', async () => {
  const api = new Api('1:x', { apiRoot: `http://127.0.0.1:${await closedPort()}`, timeoutSeconds: 5 });
  const failures: { attempt: number; retryInMs: number }[] = [];
  await assert.rejects(
    fetchBotInfo(api, { attempts: 3, firstDelayMs: 1, maxDelayMs: 2, onAttemptFailed: ({ attempt, retryInMs }) => failures.push({ attempt, retryInMs }) }),
    (err: unknown) => err instanceof TelegramUnreachableError && err.attempts === 3,
  );
  assert.deepEqual(failures, [{ attempt: 1, retryInMs: 1 }, { attempt: 2, retryInMs: 2 }]);
});

test('a 5xx is retried and the bot returned once Telegram answers; a rejected token is not retried', async () => {
  const telegram = await TelegramEmulator.start();
  try {
    telegram.failNext('getMe', serverError(502));
    const failures: number[] = [];
    const me = await fetchBotInfo(new Api(telegram.token, { apiRoot: telegram.apiRoot }), { firstDelayMs: 1, onAttemptFailed: ({ attempt }) => failures.push(attempt) });
    assert.equal(me.is_bot, true);
    assert.deepEqual(failures, [1]);
    const rejected = fetchBotInfo(new Api('1:wrong', { apiRoot: telegram.apiRoot }), { firstDelayMs: 1, onAttemptFailed: () => assert.fail('retried a rejected token') });
    await assert.rejects(rejected, (err: unknown) => err instanceof BotTokenRejectedError && err.errorCode === 401);
  } finally {
    await telegram.close();
  }
});
