import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Api, GrammyError, HttpError } from 'grammy';
import { TelegramEmulator, badRequest } from '../emulator/telegram/index.js';
import { retryApiCalls } from '../shared/telegram/retryApiCalls.js';
import { captureLogs } from './support/captureLogs.js';

/** A token shaped like BotFather's. */
const TOKEN = '7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw';


describe('what reaches the logs of a failed Bot API call', () => {
  let resetting: Server;
  let apiRoot: string;
  before(async () => {
    // A Bot API that resets every connection: a real network failure, as a socket reset is.
    resetting = createServer((socket) => socket.resetAndDestroy());
    await new Promise<void>((r) => resetting.listen(0, '127.0.0.1', r));
    apiRoot = `http://127.0.0.1:${(resetting.address() as AddressInfo).port}`;
  });
  after(() => { resetting.close(); });

  test('a network failure is logged without the bot token, in the message, the cause chain or nested errors', async () => {
    const api = new Api(TOKEN, { apiRoot });
    api.config.use(retryApiCalls({ maxRetries: 0 }));
    const err = await api.sendMessage(1, 'hello').then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof HttpError);
    // The fetch error grammY wraps does carry the URL with the token: that is what must not leak.
    assert.match(String((err.error as Error).message), /7012345678/);

    const { log, output } = captureLogs();
    log.warn({ err, job_id: 1 }, 'job failed; will retry');
    log.error({ err: new Error('job failed', { cause: err }) }, 'job failed for good');
    log.error({ error: { inner: err, text: `GET ${apiRoot}/bot${TOKEN}/getMe` } }, 'nested');
    const text = output();
    assert.ok(!text.includes(TOKEN), text);
    assert.ok(!text.includes('AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw'));
    assert.match(text, /Network request for 'sendMessage' failed/, 'the error itself is still logged');
    assert.match(text, /\[redacted\]/);
  });

  test("a rejected call is logged with its method and Telegram's answer, not the chat id or the text", async () => {
    const telegram = await TelegramEmulator.start();
    try {
      const user = telegram.createUser({ first_name: 'Ann' });
      user.sendMessage('hi');
      telegram.failNext('sendMessage', badRequest('message is too long'), { chatId: user.id });
      const err = await new Api(telegram.token, { apiRoot: telegram.apiRoot })
        .sendMessage(user.id, 'a private message about 4242').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof GrammyError);
      const { log, output } = captureLogs();
      log.warn({ err }, 'job failed');
      const text = output();
      assert.match(text, /sendMessage/);
      assert.match(text, /message is too long/);
      assert.ok(!text.includes('4242'), 'the message text is not logged');
      assert.ok(!text.includes(`"chat_id":${user.id}`), 'the chat id is not logged');
    } finally {
      await telegram.close();
    }
  });

  test("setWebhook's rejection does not print the webhook secret", async () => {
    const telegram = await TelegramEmulator.start();
    try {
      telegram.failNext('setWebhook', badRequest('bad webhook: HTTPS url must be provided for webhook'));
      const err = await new Api(telegram.token, { apiRoot: telegram.apiRoot })
        .setWebhook('http://example.com/api/telegram', { secret_token: 'the-webhook-secret_42' }).then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof GrammyError);
      const { log, output } = captureLogs();
      log.fatal({ err }, 'npm start could not start');
      assert.ok(!output().includes('the-webhook-secret_42'));
      assert.match(output(), /bad webhook/);
    } finally {
      await telegram.close();
    }
  });
});
