import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { allowedUpdates } from '../../shared/bot/allowedUpdates.js';
import { allModules } from '../../shared/modules/index.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { runCommand } from '../support/runCommand.js';

/** The update types the webhook asks for: those the bot's modules handle. */
const ALLOWED_UPDATES = allowedUpdates(allModules);

// `npm run doctor` against the emulator and a test database, healthy and broken.

/** The report's lines as { status, check }. */
function parse(stdout: string): Map<string, string> {
  const lines = new Map<string, string>();
  for (const m of stdout.matchAll(/^(OK|WARN|FAIL) +([^:]+): (.*)$/gm)) lines.set(m[2]!, `${m[1]} ${m[3]}`);
  return lines;
}

describe('npm run doctor', () => {
  let telegram: TelegramEmulator;
  let migrated: TestDatabase;
  let empty: TestDatabase;
  before(async () => {
    telegram = await TelegramEmulator.start();
    migrated = await createTestDatabase();
    empty = await createTestDatabase({ migrated: false });
  });
  after(async () => {
    await telegram.close();
    await migrated.drop();
    await empty.drop();
  });

  const doctor = (env: Record<string, string | undefined>) => runCommand(process.execPath, ['--import', 'tsx', 'scripts/doctor.ts'], {
    env: {
      TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, TELEGRAM_WEBHOOK_SECRET: 'the-secret',
      PUBLIC_URL: 'https://growthbot.example.com', DATABASE_CA_CERT: undefined, ...env,
    },
  });

  test('a healthy environment: every line OK, exit 0', async () => {
    telegram.setWebhook({ url: 'https://growthbot.example.com/api/telegram', secret_token: 'the-secret', allowed_updates: [...ALLOWED_UPDATES] });
    const res = await doctor({ DATABASE_URL: migrated.url });
    assert.equal(res.code, 0, res.output);
    const lines = parse(res.stdout);
    for (const check of ['variables', 'database', 'migrations', 'queue', 'failed jobs', 'bot token', 'webhook', 'update types', 'pending updates', 'last webhook error']) {
      assert.match(lines.get(check) ?? 'missing', /^OK /, `${check}:\n${res.stdout}`);
    }
    assert.match(lines.get('bot token')!, /@/);
    assert.match(lines.get('migrations')!, /all \d+ applied/);
  });

  test('a broken environment: each problem is a line that says what to do, exit 1', async () => {
    telegram.setWebhook({ url: 'https://old.example.com/api/telegram', secret_token: 'the-secret', allowed_updates: ['message'] });
    await migrated.sql`insert into jobs (type, state, attempts, failed_at, last_error) values ('x', 'failed', 3, now(), 'boom')`;
    try {
      const stale = await doctor({ DATABASE_URL: empty.url, TELEGRAM_WEBHOOK_SECRET: undefined });
      assert.equal(stale.code, 1, stale.output);
      const lines = parse(stale.stdout);
      assert.match(lines.get('TELEGRAM_WEBHOOK_SECRET') ?? '', /^FAIL missing/);
      assert.match(lines.get('migrations') ?? '', /^FAIL \d+ pending .*npm run migrate/);
      assert.match(lines.get('webhook') ?? '', /^FAIL set to https:\/\/old\.example\.com\/api\/telegram, expected https:\/\/growthbot\.example\.com\/api\/telegram: run npm run webhook -- set/);
      assert.match(lines.get('update types') ?? '', /^FAIL missing .*chat_member.*npm run webhook -- set/);

      const failedJobs = await doctor({ DATABASE_URL: migrated.url });
      assert.match(parse(failedJobs.stdout).get('failed jobs') ?? '', /^WARN 1: see npm run jobs -- failed/);

      const badToken = await doctor({ DATABASE_URL: migrated.url, TELEGRAM_BOT_TOKEN: '1:not-the-token' });
      assert.equal(badToken.code, 1);
      assert.match(parse(badToken.stdout).get('bot token') ?? '', /^FAIL rejected by Telegram/);
      assert.ok(!badToken.output.includes('not-the-token'), 'the token is not printed');
    } finally {
      await migrated.sql`delete from jobs where type = 'x'`;
    }
  });

  test('an unreachable database is one failed line, and the Telegram checks still run', async () => {
    const res = await doctor({ DATABASE_URL: 'postgres://u:p@127.0.0.1:1/db' });
    assert.equal(res.code, 1);
    const lines = parse(res.stdout);
    assert.match(lines.get('database') ?? '', /^FAIL not reachable/);
    assert.ok(lines.has('bot token'), res.stdout);
  });
});
