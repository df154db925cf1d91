import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Api } from 'grammy';
import { TelegramEmulator, serverError } from '../../emulator/telegram/index.js';
import { pollUpdates } from '../../local/pollUpdates.js';
import type { Logger } from '../../shared/logger.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

/** A logger that remembers its warnings and says when one arrives. */
function recordingLogger() {
  const warnings: string[] = [];
  const events = new EventEmitter();
  const log = {
    warn: (_obj: object, msg: string) => { warnings.push(msg); events.emit('warn'); },
    error: () => {}, info: () => {}, debug: () => {},
  } as unknown as Logger;
  const nextWarning = () => new Promise<void>((r) => events.once('warn', () => r()));
  return { log, warnings, nextWarning };
}

describe('npm start in polling mode', () => {
  let db: TestDatabase;
  let telegram: TelegramEmulator;
  before(async () => { db = await createTestDatabase(); telegram = await TelegramEmulator.start(); });
  after(async () => { await telegram.close(); await db.drop(); });

  test('a failing deleteWebhook is retried, not an unhandled rejection, and polling then goes on', async () => {
    await db.sql`truncate jobs, processed_webhooks`;
    telegram.failNext('deleteWebhook', serverError(502));
    const { log, warnings, nextWarning } = recordingLogger();
    const warned = nextWarning();
    let woken = 0;
    const poller = pollUpdates({ api: new Api(telegram.token, { apiRoot: telegram.apiRoot }), sql: db.sql, log, wake: () => { woken++; }, allowedUpdates: ['message'], retryDelayMs: () => 10 });
    try {
      await warned;
      assert.match(warnings[0]!, /deleteWebhook failed; retrying/);
      const user = telegram.createUser({ first_name: 'Pat' });
      await user.sendMessage('hello').delivered;
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs`;
      assert.equal(row?.n, 1);
      assert.equal(woken, 1);
    } finally {
      await poller.stop();
    }
  });

  test('stop() ends a retry wait at once', { timeout: 20_000 }, async () => {
    telegram.failNext('getUpdates', serverError(500), { times: 1000 });
    const { log, nextWarning } = recordingLogger();
    const warned = nextWarning();
    // A wait far longer than this test's timeout: only an abortable wait lets stop() return.
    const poller = pollUpdates({ api: new Api(telegram.token, { apiRoot: telegram.apiRoot }), sql: db.sql, log, wake: () => {}, allowedUpdates: ['message'], retryDelayMs: () => 600_000 });
    await warned;
    await poller.stop();
    telegram.clearInjectedErrors();
  });
});
