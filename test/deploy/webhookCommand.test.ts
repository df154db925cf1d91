import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { TelegramEmulator, tooManyRequests } from '../../emulator/telegram/index.js';
import { allowedUpdates } from '../../shared/bot/allowedUpdates.js';
import { allModules } from '../../shared/modules/index.js';
import { runCommand } from '../support/runCommand.js';

/** The update types the webhook asks for: those the bot's modules handle. */
const ALLOWED_UPDATES = allowedUpdates(allModules);

// `npm run webhook -- set | info | delete` against the Telegram emulator.

describe('npm run webhook', () => {
  let telegram: TelegramEmulator;
  before(async () => { telegram = await TelegramEmulator.start(); });
  after(async () => { await telegram.close(); });

  const webhook = (args: string[], env: Record<string, string | undefined> = {}) => runCommand(process.execPath, ['--import', 'tsx', 'scripts/webhook.ts', ...args], {
    env: {
      TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
      PUBLIC_URL: 'https://growthbot.example.com', TELEGRAM_WEBHOOK_SECRET: 'the-secret', WEBHOOK_MAX_CONNECTIONS: undefined, ...env,
    },
  });

  test('set registers PUBLIC_URL/api/telegram with the secret, the update types the bot handles and max_connections, keeping pending updates', async () => {
    const res = await webhook(['set']);
    assert.equal(res.code, 0, res.output);
    const call = telegram.callsTo('setWebhook').at(-1)!;
    assert.equal(call.params.url, 'https://growthbot.example.com/api/telegram');
    assert.equal(call.params.secret_token, 'the-secret');
    assert.deepEqual(call.params.allowed_updates, [...ALLOWED_UPDATES]);
    assert.ok(ALLOWED_UPDATES.includes('chat_member') && ALLOWED_UPDATES.includes('chat_join_request'), 'Telegram sends these only when listed');
    assert.deepEqual(ALLOWED_UPDATES, ['message', 'callback_query', 'pre_checkout_query', 'subscription', 'my_chat_member', 'chat_member', 'chat_join_request'],
      'exactly what the modules handle (payments included): no edited_message nobody answers');
    assert.equal(call.params.max_connections, 40);
    assert.equal(call.params.drop_pending_updates, undefined);
    assert.equal(telegram.webhook?.url, 'https://growthbot.example.com/api/telegram');
    assert.match(res.stdout, /Webhook set: https:\/\/growthbot\.example\.com\/api\/telegram/);
  });

  test('set drops pending updates only when asked', async () => {
    const res = await webhook(['set', '--drop-pending-updates'], { WEBHOOK_MAX_CONNECTIONS: '10' });
    assert.equal(res.code, 0, res.output);
    const call = telegram.callsTo('setWebhook').at(-1)!;
    assert.equal(call.params.drop_pending_updates, true);
    assert.equal(call.params.max_connections, 10);
  });

  test('set waits out a 429 once, as Telegram answers a second setWebhook within a second', async () => {
    telegram.failNext('setWebhook', tooManyRequests(1));
    const before = telegram.callsTo('setWebhook').length;
    const res = await webhook(['set']);
    assert.equal(res.code, 0, res.output);
    assert.match(res.stdout, /wait 1 s/);
    assert.equal(telegram.callsTo('setWebhook').length, before + 2);
  });

  test('set refuses what Telegram would refuse, before calling it', async () => {
    for (const [url, why] of [['http://growthbot.example.com', /https URLs only/], ['https://growthbot.example.com:3000', /ports 443, 80, 88 or 8443/]] as const) {
      const before = telegram.callsTo('setWebhook').length;
      const res = await webhook(['set'], { PUBLIC_URL: url });
      assert.equal(res.code, 1);
      assert.match(res.stderr, why);
      assert.equal(telegram.callsTo('setWebhook').length, before);
    }
    const noSecret = await webhook(['set'], { TELEGRAM_WEBHOOK_SECRET: undefined });
    assert.equal(noSecret.code, 1);
    assert.match(noSecret.stderr, /TELEGRAM_WEBHOOK_SECRET: required/);
    assert.equal((await webhook(['frobnicate'])).code, 2);
  });

  test('info says in words where updates go, how many wait, and the last delivery error', async () => {
    // A deployment that answers 503: Telegram keeps the update and records the error.
    const failing = createServer((_req, res) => { res.writeHead(503).end(); });
    await new Promise<void>((resolve) => failing.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(failing.address() as { port: number }).port}/api/telegram`;
    telegram.setWebhook({ url, secret_token: 'the-secret' });
    try {
      telegram.createUser({ first_name: 'Ana' }).sendCommand('/start');
      await telegram.waitFor(() => (telegram.deliveries.length > 0 ? true : undefined), { description: 'a failed delivery' });
      const res = await webhook(['info']);
      assert.equal(res.code, 0, res.output);
      assert.match(res.stdout, new RegExp(`Webhook: ${url.replace(/[/.]/g, '\\$&')}`));
      assert.match(res.stdout, /Pending updates: 1/);
      assert.match(res.stdout, /Last error: .*503/);
    } finally {
      failing.close();
    }
  });

  test('delete removes the webhook, keeping pending updates unless asked', async () => {
    const res = await webhook(['delete']);
    assert.equal(res.code, 0, res.output);
    assert.equal(telegram.webhook, undefined);
    assert.equal(telegram.callsTo('deleteWebhook').at(-1)!.params.drop_pending_updates, undefined);
    const info = await webhook(['info']);
    assert.match(info.stdout, /No webhook is set/);
  });
});
