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
import { waitFor } from './support/waitFor.js';

const pingJob = defineJob('ping', z.object({}));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** Resolves once `runner`'s first claim found nothing and its loop sleeps. */
function asleep(runner: JobRunner): Promise<boolean> {
  return waitFor('the runner to find nothing and sleep', () => runner.sleeping, { on: [runner, 'idle'] });
}

/**
 * Starts a runner, waits until it sleeps, enqueues one job and resolves when the job started.
 * With a poll interval of a minute only the wake-up can start it; the wait's bound (20 s) is
 * far below the poll and far above any claim, however loaded the machine.
 */
async function startedAfterEnqueue(options: { listen: boolean; pollIntervalMs: number }) {
  let started = false;
  const runner = new JobRunner({ sql: db.sql, log: testLogger, handlers: [jobHandler(pingJob, async () => { started = true; })], ...options });
  await runner.start();
  try {
    await asleep(runner);
    assert.equal(started, false);
    await enqueue(db.sql, pingJob, {});
    await waitFor('the job to start', () => started, { on: [[runner, 'completed'], [runner, 'idle']], timeoutMs: 20_000 });
  } finally {
    await runner.stop(1000);
  }
}

describe('waking the worker', () => {
  test('NOTIFY wakes a sleeping worker at once: no poll would come for a minute', { skip: needsServer }, async () => {
    await startedAfterEnqueue({ listen: true, pollIntervalMs: 60_000 });
  });

  test('an update accepted by the webhook wakes a sleeping worker', { skip: needsServer }, async () => {
    let started = false;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, listen: true, pollIntervalMs: 60_000,
      handlers: [jobHandler(telegramUpdateJob, async () => { started = true; })],
    });
    const hook = await startWebhookServer(db.sql, 's');
    try {
      await runner.start();
      await asleep(runner);
      const res = await fetch(hook.url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 's' }, body: '{"update_id":77}' });
      assert.equal(res.status, 200);
      await waitFor('the update job to start', () => started, { on: [[runner, 'completed'], [runner, 'idle']], timeoutMs: 20_000 });
    } finally {
      await runner.stop(1000);
      await hook.close();
    }
  });

  test('without LISTEN, polling alone finds new work', async () => {
    await startedAfterEnqueue({ listen: false, pollIntervalMs: 100 });
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
