import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import * as z from 'zod';
import { createSql } from '../shared/db/createSql.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { telegramUpdateJob } from '../shared/bot/telegramUpdateJob.js';
import { createHealthHandler } from '../worker/createHealthHandler.js';
import { jobHandler } from '../shared/queue/jobHandler.js';
import { JobRunner } from '../worker/jobRunner.js';
import { listenSupported } from '../worker/workerConfig.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';
import { startWebhookServer } from './support/startWebhookServer.js';
import { testLogger } from './support/testLogger.js';

const pingJob = defineJob('ping', z.object({}));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** Starts a runner, lets it go idle, enqueues one job and resolves when the job starts. */
async function startedAfterEnqueue(options: { listen: boolean; pollIntervalMs: number }) {
  let resolveStarted!: () => void;
  const started = new Promise<void>((r) => { resolveStarted = r; });
  const runner = new JobRunner({ sql: db.sql, log: testLogger, handlers: [jobHandler(pingJob, async () => resolveStarted())], ...options });
  await runner.start();
  await new Promise((r) => setTimeout(r, 300)); // the first claim found nothing: the runner sleeps
  await enqueue(db.sql, pingJob, {});
  const outcome = await Promise.race([started.then(() => 'started'), new Promise((r) => setTimeout(() => r('still asleep'), 10_000))]);
  await runner.stop(1000);
  return outcome;
}

describe('waking the worker', () => {
  test('NOTIFY wakes a sleeping worker at once: no poll would come for a minute', { skip: needsServer }, async () => {
    assert.equal(await startedAfterEnqueue({ listen: true, pollIntervalMs: 60_000 }), 'started');
  });

  test('an update accepted by the webhook wakes a sleeping worker', { skip: needsServer }, async () => {
    let resolveStarted!: () => void;
    const started = new Promise<void>((r) => { resolveStarted = r; });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, listen: true, pollIntervalMs: 60_000,
      handlers: [jobHandler(telegramUpdateJob, async () => resolveStarted())],
    });
    const hook = await startWebhookServer(db.sql, 's');
    try {
      await runner.start();
      await new Promise((r) => setTimeout(r, 300));
      const res = await fetch(hook.url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 's' }, body: '{"update_id":77}' });
      assert.equal(res.status, 200);
      const outcome = await Promise.race([started.then(() => 'started'), new Promise((r) => setTimeout(() => r('still asleep'), 10_000))]);
      assert.equal(outcome, 'started');
    } finally {
      await runner.stop(1000);
      await hook.close();
    }
  });

  test('without LISTEN, polling alone finds new work', async () => {
    assert.equal(await startedAfterEnqueue({ listen: false, pollIntervalMs: 100 }), 'started');
  });

  test('LISTEN is turned off behind Supabase\'s transaction pooler (port 6543)', () => {
    assert.equal(listenSupported('postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres'), false);
    assert.equal(listenSupported('postgres://u:p@aws-0-eu.pooler.supabase.com:5432/postgres'), true);
  });
});

function fakeResponse() {
  const res = { status: 0, body: '', writeHead(s: number) { res.status = s; return res; }, end(b: string) { res.body = b; } };
  return res;
}

describe('GET /healthz', () => {
  test('200 with the queue figures when the database answers', async () => {
    await enqueue(db.sql, pingJob, {});
    const res = fakeResponse();
    await createHealthHandler({ sql: db.sql, inFlight: () => 3 })({} as IncomingMessage, res as unknown as ServerResponse);
    const body = JSON.parse(res.body) as { database: string; queue: { ready: number }; in_flight: number };
    assert.equal(res.status, 200);
    assert.deepEqual([body.database, body.queue.ready >= 1, body.in_flight], ['up', true, 3]);
  });

  test('503 when the database is unreachable', async () => {
    const dead = createSql('postgres://postgres@127.0.0.1:1/none', { max: 1, connectTimeout: 1 });
    const res = fakeResponse();
    await createHealthHandler({ sql: dead, inFlight: () => 0 })({} as IncomingMessage, res as unknown as ServerResponse);
    await dead.end({ timeout: 1 });
    assert.equal(res.status, 503);
    assert.equal((JSON.parse(res.body) as { database: string }).database, 'down');
  });
});
