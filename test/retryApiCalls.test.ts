import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, HttpError, InputFile } from 'grammy';
import { TelegramEmulator, serverError, tooManyRequests } from '../emulator/telegram/index.js';
import { retryApiCalls } from '../shared/telegram/retryApiCalls.js';

describe('Bot API retries', () => {
  let telegram: TelegramEmulator;
  let chatId: number;
  before(async () => {
    telegram = await TelegramEmulator.start();
    const user = telegram.createUser({ first_name: 'Ann' });
    user.sendMessage('hi'); // opens the chat so the bot may write (no webhook: stays queued)
    chatId = user.id;
  });
  after(async () => { await telegram.close(); });

  const api = (maxRetries = 3) => {
    const a = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    a.config.use(retryApiCalls({ maxRetries, baseDelayMs: 10 }));
    return a;
  };

  test('a 429 is retried after retry_after', async () => {
    telegram.failNext('sendMessage', tooManyRequests(1), { chatId });
    const started = Date.now();
    await api().sendMessage(chatId, 'after the flood wait');
    assert.ok(Date.now() - started >= 950);
  });

  test('5xx is retried at most maxRetries times, then the error surfaces', async () => {
    telegram.failNext('sendMessage', serverError(502), { chatId, times: 2 });
    await api(3).sendMessage(chatId, 'third time lucky');
    telegram.failNext('sendMessage', serverError(500), { chatId, times: 10 });
    const before = telegram.callsTo('sendMessage').length;
    await assert.rejects(api(3).sendMessage(chatId, 'never'), (err: unknown) => err instanceof GrammyError && err.error_code === 500);
    assert.equal(telegram.callsTo('sendMessage').length - before, 4, 'one call and three retries');
    telegram.clearInjectedErrors();
  });

  test('a flood wait longer than the limit is not waited for inside the call', async () => {
    telegram.failNext('sendMessage', tooManyRequests(3600), { chatId });
    await assert.rejects(api().sendMessage(chatId, 'x'), (err: unknown) => err instanceof GrammyError && err.parameters.retry_after === 3600);
  });

  test('network errors are retried a bounded number of times', async () => {
    const dead = new Api('1:x', { apiRoot: 'http://127.0.0.1:1' });
    let calls = 0;
    dead.config.use(async (prev, method, payload, signal) => { calls++; return prev(method, payload, signal); });
    dead.config.use(retryApiCalls({ maxRetries: 2, baseDelayMs: 5 }));
    await assert.rejects(dead.getMe(), (err: unknown) => err instanceof HttpError);
    assert.equal(calls, 3);
  });

  test('a retried call leaves no abort listener behind on its signal', async () => {
    telegram.failNext('sendMessage', serverError(502), { chatId, times: 3 });
    const controller = new AbortController();
    await api(3).sendMessage(chatId, 'after three 502s', undefined, controller.signal as never);
    assert.equal(getEventListeners(controller.signal, 'abort').length, 0);
  });
});

describe('Bot API deadlines', () => {
  /** A Bot API that never answers sendMessage and answers sendDocument after `uploadDelayMs`. */
  let server: ReturnType<typeof createServer>;
  let apiRoot: string;
  let requests = 0;
  const held: ServerResponse[] = [];
  before(async () => {
    server = createServer((req: IncomingMessage, res: ServerResponse) => {
      requests++;
      req.resume();
      if (req.url?.endsWith('/sendDocument')) {
        req.on('end', () => setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ ok: true, result: { message_id: 1, date: 1, chat: { id: 1, type: 'private' } } })), 400));
      } else {
        held.push(res);
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => { server.closeAllConnections(); server.close(); });

  const api = (options: { maxRetries: number; timeoutMs: number; uploadTimeoutMs: number }) => {
    const a = new Api('1:test', { apiRoot });
    a.config.use(retryApiCalls({ ...options, baseDelayMs: 1 }));
    return a;
  };

  test('a call that gets no answer fails with a network error at its deadline, and is retried like one', async () => {
    const before = requests;
    await assert.rejects(api({ maxRetries: 1, timeoutMs: 100, uploadTimeoutMs: 60_000 }).sendMessage(1, 'hello?'), (err: unknown) => err instanceof HttpError);
    assert.equal(requests - before, 2, 'one attempt and one retry, each cut at its deadline');
  });

  test('an upload gets the longer deadline', async () => {
    const message = await api({ maxRetries: 0, timeoutMs: 100, uploadTimeoutMs: 60_000 }).sendDocument(1, new InputFile(Buffer.from('file'), 'a.txt'));
    assert.equal(message.message_id, 1);
  });
});
