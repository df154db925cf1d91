import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { connect, createServer as createTcpServer } from 'node:net';
import { type SandboxState, TelegramEmulator, badRequest } from '../../emulator/telegram/index.js';
import { unauthorized } from '../../emulator/telegram/apiErrors.js';
import { serializeError } from '../../shared/logger.js';
import { allowedUpdates } from '../../shared/bot/allowedUpdates.js';
import { allModules } from '../../shared/modules/index.js';
import { type LocalConfig, parseLocalConfig } from '../../local/localConfig.js';
import { startApp } from '../../local/startApp.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';
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

  test('a real database or a public URL without a token is an error, not the sandbox writing into that database', () => {
    assert.throws(() => parseLocalConfig({ DATABASE_URL: 'postgres://db.example.com/postgres', PUBLIC_URL: 'https://bot.example.com' }), /TELEGRAM_BOT_TOKEN: required when DATABASE_URL is set/);
    assert.throws(() => parseLocalConfig({ DATABASE_URL: 'postgres://db.example.com/postgres' }), /TELEGRAM_BOT_TOKEN: required when DATABASE_URL is set/);
    assert.throws(() => parseLocalConfig({ PUBLIC_URL: 'https://bot.example.com' }), /TELEGRAM_BOT_TOKEN: required when PUBLIC_URL is set/);
    assert.equal(parseLocalConfig({ DATABASE_URL: 'postgres://db.example.com/postgres', BOT_MODE: 'sandbox' }).mode, 'sandbox', 'on purpose');
  });
});

// startApp given a DATABASE_URL opens a pool of 10 on it; on the embedded database's socket server
// several connections' messages can interleave (a postgres.js parse error, seen under load), which
// is why npm start itself uses one connection there. So these need the real server.
describe('npm start, with a server database', { skip: needsServer }, () => {
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
  // A poll of a minute: only the webhook waking the in-process worker can answer within the
  // 20 s the test waits (the embedded database has no LISTEN).
  test('sandbox mode on the embedded database: the page opens as a user in their chat with the bot, and /start is answered at once', { timeout: 120_000 }, async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-'));
    const app = await startApp({ ...base({ DATA_DIR: dataDir, JOB_POLL_INTERVAL_MS: '60000' }), databaseUrl: undefined }, testLogger);
    try {
      assert.equal(app.mode, 'sandbox');
      const page = await fetch(`${app.url}/sandbox`);
      assert.equal(page.status, 200);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.equal((await fetch(`${app.url}/healthz`)).status, 200);
      const state = await (await fetch(`${app.url}/sandbox/api/state`)).json() as SandboxState;
      const you = state.users.find((u) => u.id === state.openAs);
      assert.ok(you, `the page opens as one of the users (openAs ${state.openAs})`);
      // What the page does when the newcomer types /start in that chat.
      const sent = await fetch(`${app.url}/sandbox/api/send`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: you.id, chatId: you.id, text: '/start' }),
      });
      assert.equal(sent.status, 200);
      const welcome = await app.emulator!.waitForBotMessage(you.id, undefined, { timeoutMs: 20_000 });
      assert.match(welcome.text ?? '', new RegExp(you.first_name));
    } finally {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  test('a port already in use stops `npm start` with one line naming the port and the variable to change', { timeout: 120_000 }, async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as AddressInfo).port;
    const dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-'));
    const env = { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' } as Record<string, string | undefined>;
    for (const name of ['DATABASE_URL', 'TELEGRAM_BOT_TOKEN', 'BOT_MODE', 'PUBLIC_URL']) delete env[name];
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', 'local/start.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk; });
      const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
      assert.equal(code, 1);
      const lines = err.trim().split('\n');
      assert.equal(lines.length, 1, `one line on stderr, got:\n${err}`);
      assert.match(lines[0]!, new RegExp(`port ${port} .*in use.*set PORT`));
      assert.ok(!/EADDRINUSE|\n\s+at /.test(out + err), `no stack trace:\n${out}${err}`);
    } finally {
      blocker.close();
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

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

describe('npm start when a step fails', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('a worker that cannot start leaves no port, connection or server behind', async () => {
    const telegram = await TelegramEmulator.start();
    try {
      telegram.failNext('getMe', unauthorized());
      const port = await freePort();
      await assert.rejects(startApp(base({
        BOT_MODE: 'webhook', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url, PORT: String(port),
      }), testLogger));
      // The port is free again: start-up closed its server.
      const again = createTcpServer();
      await new Promise<void>((resolve, reject) => { again.once('error', reject); again.listen(port, '127.0.0.1', resolve); });
      await new Promise((r) => again.close(r));
      if (db.kind === 'server') {
        const [row] = await db.sql<{ n: number }[]>`
          select count(*)::int as n from pg_stat_activity where application_name = 'local' and datname = current_database()`;
        assert.equal(row?.n, 0, 'its database connections were closed');
      }
    } finally {
      await telegram.close();
    }
  });

  test('a refused setWebhook stops start-up with a message that does not hold the webhook secret', async () => {
    const telegram = await TelegramEmulator.start();
    try {
      telegram.failNext('setWebhook', badRequest('bad webhook: Failed to resolve host: Name or service not known'));
      const err = await startApp(base({
        TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATABASE_URL: db.url,
        PUBLIC_URL: 'https://bot.example.com', TELEGRAM_WEBHOOK_SECRET: 'do-not-print-me_77',
      }), testLogger).then((app) => app.stop().then(() => undefined), (e: unknown) => e);
      assert.ok(err instanceof Error, 'start-up failed');
      assert.match(err.message, /setWebhook failed: Bad Request: bad webhook/);
      // What local/start.ts logs: `log.fatal({ err })`.
      assert.ok(!JSON.stringify(serializeError(err)).includes('do-not-print-me_77'));
    } finally {
      await telegram.close();
    }
  });
});

// On npm start's own embedded database (no DATABASE_URL), as a newcomer runs it: given the
// embedded test database's URL instead, startApp would open its pool of 10 on pglite-socket,
// whose interleaved messages once left the worker's claim unanswered and app.stop() hanging.
describe('the local HTTP server', () => {
  let dataDir: string;
  let telegram: TelegramEmulator;
  before(async () => { dataDir = await mkdtemp(path.join(tmpdir(), 'startapp-http-')); telegram = await TelegramEmulator.start(); });
  after(async () => { await telegram.close(); await rm(dataDir, { recursive: true, force: true }); });

  /** Opens a connection, sends `head`, then one byte of `trickle` every 50 ms; resolves with what the server answered when it closed. */
  function trickle(url: string, head: string, body: string): Promise<string> {
    const { port } = new URL(url);
    return new Promise((resolve) => {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      let i = 0;
      const timer = setInterval(() => { if (i < body.length) socket.write(body[i++]!); }, 50);
      socket.setEncoding('utf8').on('data', (d: string) => { answer += d; });
      socket.on('close', () => { clearInterval(timer); resolve(answer); });
      socket.on('error', () => {});
      socket.write(head);
    });
  }

  test('a body trickled byte by byte, or headers that never end, get 408 and the connection closed', { timeout: 60_000 }, async () => {
    const app = await startApp({
      ...base({ BOT_MODE: 'webhook', TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, DATA_DIR: dataDir, TELEGRAM_WEBHOOK_SECRET: 'slow-secret' }),
      httpTimeouts: { headersMs: 500, requestMs: 1000 },
    }, testLogger);
    try {
      const slowBody = await trickle(app.url, 'POST /api/telegram HTTP/1.1\r\nHost: x\r\nX-Telegram-Bot-Api-Secret-Token: slow-secret\r\nContent-Length: 100000\r\n\r\n', 'x'.repeat(100_000));
      assert.match(slowBody, /^HTTP\/1\.1 408/);
      const slowHeaders = await trickle(app.url, 'POST /api/telegram HTTP/1.1\r\n', 'X-Slow: ' + 'y'.repeat(100_000));
      assert.match(slowHeaders, /^HTTP\/1\.1 408/);
    } finally {
      await app.stop();
    }
  });
});
