import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { allowedUpdates } from '../../shared/bot/allowedUpdates.js';
import { allModules } from '../../shared/modules/index.js';
import { type LocalConfig, parseLocalConfig } from '../../local/localConfig.js';
import { startApp } from '../../local/startApp.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { testLogger } from '../support/testLogger.js';

/** The update types the webhook asks for: those the bot's modules handle. */
const ALLOWED_UPDATES = allowedUpdates(allModules);

const base = (overrides: Record<string, string>): LocalConfig => ({ ...parseLocalConfig({ PORT: '0', SHUTDOWN_TIMEOUT_MS: '1000', ...overrides }) });

describe('choosing the mode', () => {
  test('sandbox without a token, polling with one, webhook with a public URL', () => {
    assert.equal(parseLocalConfig({}).mode, 'sandbox');
    assert.equal(parseLocalConfig({ TELEGRAM_BOT_TOKEN: '1:abc' }).mode, 'polling');
    assert.equal(parseLocalConfig({ TELEGRAM_BOT_TOKEN: '1:abc', PUBLIC_URL: 'https://bot.example.com' }).mode, 'webhook');
    assert.equal(parseLocalConfig({ TELEGRAM_BOT_TOKEN: '1:abc', BOT_MODE: 'sandbox' }).mode, 'sandbox');
  });

  test('a bad or missing variable stops start-up with a message naming it', () => {
    assert.throws(() => parseLocalConfig({ BOT_MODE: 'polling' }), /TELEGRAM_BOT_TOKEN: required in polling mode/);
    assert.throws(() => parseLocalConfig({ TELEGRAM_BOT_TOKEN: 'nope' }), /TELEGRAM_BOT_TOKEN/);
    assert.throws(() => parseLocalConfig({ PORT: 'eighty' }), /PORT/);
    assert.throws(() => parseLocalConfig({ RATE_LIMIT_COMMANDS: '0' }), /RATE_LIMIT_COMMANDS must be at least 1/);
    assert.throws(() => parseLocalConfig({}, ['--frce']), /unknown argument --frce/);
  });
});

describe('npm start, with a server database', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('polling mode: updates fetched with getUpdates go through the queue and get answers', async () => {
    const telegram = await TelegramEmulator.start();
    const app = await startApp(base({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url }), testLogger);
    try {
      assert.equal(app.mode, 'polling');
      const dana = telegram.createUser({ first_name: 'Dana' });
      dana.sendCommand('/start');
      const welcome = await telegram.waitForBotMessage(dana, undefined, { timeoutMs: 15_000 });
      assert.match(welcome.text ?? '', /Dana/);
      const [seen] = await db.sql<{ n: number }[]>`select count(*)::int as n from processed_webhooks`;
      assert.equal(seen?.n, 1, 'the polled update was recorded like a webhook delivery');
      const health = await fetch(`${app.url}/healthz`);
      assert.equal(health.status, 200);
      assert.equal((await health.json() as { database: string }).database, 'up');
    } finally {
      await app.stop();
      await telegram.close();
    }
  });

  test('polling refuses to start while a webhook is set, and leaves the webhook alone', async () => {
    const telegram = await TelegramEmulator.start();
    telegram.setWebhook({ url: 'https://production.example.com/api/telegram', secret_token: 'prod' });
    try {
      await assert.rejects(
        startApp(base({ TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url }), testLogger),
        (err: Error) => err.name === 'WebhookIsSetError' && /production\.example\.com.*--force/s.test(err.message),
      );
      assert.equal(telegram.webhook?.url, 'https://production.example.com/api/telegram');
      assert.deepEqual(telegram.callsTo('deleteWebhook'), []);
      assert.deepEqual(telegram.callsTo('setWebhook').filter((c) => c.params.url === ''), []);
    } finally {
      await telegram.close();
    }
  });

  test('npm start -- --force polls anyway, deleting the webhook', async () => {
    const telegram = await TelegramEmulator.start();
    telegram.setWebhook({ url: 'https://production.example.com/api/telegram', secret_token: 'prod' });
    const config = parseLocalConfig({ PORT: '0', SHUTDOWN_TIMEOUT_MS: '1000', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url }, ['--force']);
    const app = await startApp(config, testLogger);
    try {
      await telegram.waitForCall((c) => c.method === 'deleteWebhook');
      assert.equal(telegram.webhook, undefined);
    } finally {
      await app.stop();
      await telegram.close();
    }
  });

  test('webhook mode with PUBLIC_URL registers the webhook with the secret and the update types', async () => {
    const telegram = await TelegramEmulator.start();
    const app = await startApp(base({
      TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url,
      PUBLIC_URL: 'https://bot.example.com', TELEGRAM_WEBHOOK_SECRET: 'registered-secret',
    }), testLogger);
    try {
      const [call] = telegram.callsTo('setWebhook');
      assert.equal(call?.params.url, 'https://bot.example.com/api/telegram');
      assert.equal(call?.params.secret_token, 'registered-secret');
      assert.deepEqual(call?.params.allowed_updates, [...ALLOWED_UPDATES]);
      const wrong = await fetch(`${app.url}/api/telegram`, { method: 'POST', body: '{"update_id":1}', headers: { 'x-telegram-bot-api-secret-token': 'x' } });
      assert.equal(wrong.status, 401);
    } finally {
      await app.stop();
      await telegram.close();
    }
  });
});

describe('npm start on a bare machine', () => {
  test('sandbox mode on the embedded database: the page, the health check, and a conversation', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-'));
    const app = await startApp({ ...base({ DATA_DIR: dataDir }), databaseUrl: undefined }, testLogger);
    try {
      assert.equal(app.mode, 'sandbox');
      const page = await fetch(`${app.url}/sandbox`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
      const eve = app.emulator!.createUser({ first_name: 'Eve' });
      eve.sendCommand('/start');
      const welcome = await app.emulator!.waitForBotMessage(eve, undefined, { timeoutMs: 20_000 });
      assert.match(welcome.text ?? '', /Eve/);
    } finally {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('`npm start` as a process: serves, answers the health check, and exits 0 on SIGTERM', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-'));
    const env = { ...process.env, PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' } as Record<string, string | undefined>;
    for (const name of ['DATABASE_URL', 'TELEGRAM_BOT_TOKEN', 'BOT_MODE', 'PUBLIC_URL']) delete env[name];
    const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const m = /"url":"(http:\/\/[^"]+)"/.exec(out);
          if (m) resolve(m[1]!);
        });
        void exited.then((code) => reject(new Error(`npm start exited with ${code} before serving:\n${out}`)));
      });
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
