import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, before, describe, test } from 'node:test';
import * as z from 'zod';
import { createSql } from '../shared/db/createSql.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { jobHandler } from '../shared/queue/jobHandler.js';
import { createHealthHandler } from '../worker/createHealthHandler.js';
import { JobRunner } from '../worker/jobRunner.js';
import { captureLogs } from './support/captureLogs.js';
import { interceptSql } from './support/interceptSql.js';
import { probeHealth } from './support/probeHealth.js';
import { startTcpProxy } from './support/startTcpProxy.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';
import { waitFor } from './support/waitFor.js';

// A network freeze between the worker and the database (Railway ↔ Supabase's pooler) leaves
// the claim in flight without an answer. stop() used to wait for it without end (seen: an
// app.stop() that waited ~57 s), so SHUTDOWN_TIMEOUT_MS meant nothing. The worker here reaches
// the database through a TCP proxy that freezes; the test's own connection does not.

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** Settles with 'hung' after `ms` (far beyond any deadline here), so a test can tell which came first. */
function hung(ms: number): { promise: Promise<'hung'>; cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  const promise = new Promise<'hung'>((resolve) => { timer = setTimeout(() => resolve('hung'), ms); });
  return { promise, cancel: () => clearTimeout(timer) };
}

async function race<T>(work: Promise<T>, ms = 30_000): Promise<T | 'hung'> {
  const h = hung(ms);
  try {
    return await Promise.race([work, h.promise]);
  } finally {
    h.cancel();
  }
}

/**
 * Runner A on a pool through the proxy, idle after an answered claim; then the network freezes
 * with A's next claim in it, and three jobs wait in the table (enqueued on the test's own
 * connection). `freeze`: nothing passes, so the claim has not reached the database (it takes
 * the jobs if the network heals while A's connection lives). `freeze-answers`: the claim reached
 * the database and took the jobs for A, and its answer is held.
 */
async function frozenClaim(mode: 'freeze' | 'freeze-answers' = 'freeze') {
  await db.sql`truncate jobs`;
  const target = new URL(db.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const url = new URL(db.url);
  url.port = String(proxy.port);
  // One connection: the embedded database interleaves several (test/support/testDatabase.ts).
  const pool = createSql(url.toString(), { max: 1 });
  const claims = new EventEmitter();
  let claimsSent = 0;
  const sql = interceptSql(pool, (text) => {
    if (/state = 'running',\s+locked_by/.test(text)) { claimsSent++; claims.emit('claim'); }
    return undefined;
  });
  const logs = captureLogs();
  const ranByA: number[] = [];
  const a = new JobRunner({
    sql, log: logs.log, listen: false, claimFailureMs: 100, leaseMs: 500,
    // freeze: a short poll, so A's next claim goes into the freeze by itself. freeze-answers: A
    // sleeps until kicked, so that its claim goes out after the jobs are in.
    pollIntervalMs: mode === 'freeze' ? 20 : 60_000,
    handlers: [jobHandler(noteJob, async ({ n }) => { ranByA.push(n); })],
  });
  await a.start();
  await waitFor('runner A to answer a claim and go idle', () => claimsSent > 0 && a.sleeping, { on: [a, 'idle'] });
  await proxy.setMode(mode);
  const enqueueThree = async () => { for (let n = 1; n <= 3; n++) await enqueue(db.sql, noteJob, { n }); };
  if (mode === 'freeze') {
    const before = claimsSent;
    await waitFor('a claim sent into the freeze', () => claimsSent > before, { on: [claims, 'claim'] });
    await enqueueThree();
  } else {
    await enqueueThree();
    a.kick();
    await waitFor('the claim to take the jobs for A, its answer held', async () => {
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs where locked_by = ${a.workerId}`;
      return row!.n === 3;
    }, { on: [proxy.events, 'held'] });
  }
  return {
    a, pool, proxy, logs, ranByA,
    /** Ends A's pool as shutdownWorker does, while the network is still frozen; resolves once the proxy saw the connection go. */
    async endPoolWhileFrozen(): Promise<'closed' | 'hung'> {
      const ended = await race(pool.end({ timeout: 1 }).then(() => 'closed' as const));
      await waitFor('the proxy to see A\'s connection close', () => proxy.connections === 0, { on: [proxy.events, 'closed'] });
      return ended;
    },
    async close() {
      await proxy.setMode('pass');
      await pool.end({ timeout: 1 });
      await proxy.close();
    },
  };
}

/** Runner B on the test's own connection runs whatever is queued; resolves with what it ran and at which attempt. */
async function drainWithAnotherRunner(): Promise<{ n: number; attempt: number }[]> {
  const ran: { n: number; attempt: number }[] = [];
  const b = new JobRunner({
    sql: db.sql, log: testLogger, listen: false, pollIntervalMs: 20,
    handlers: [jobHandler(noteJob, async ({ n }, ctx) => { ran.push({ n, attempt: ctx.job.attempts }); })],
  });
  await b.start();
  try {
    await waitFor('runner B to run every job', async () => (await db.sql`select 1 from jobs limit 1`).length === 0, { on: [b, 'completed'] });
  } finally {
    await b.stop(1000);
  }
  return ran.sort((x, y) => x.n - y.n);
}

describe('stopping while a claim goes unanswered (a frozen connection)', () => {
  test('/healthz says the claim is unanswered; stop() resolves at its deadline; when the network heals, the jobs that claim took are given back and another runner runs each once', async () => {
    const frozen = await frozenClaim();
    try {
      const { a, logs } = frozen;
      await waitFor('the line saying a claim went unanswered', () => logs.find('a claim has gone unanswered').length > 0, { on: [logs.events, 'line'] });
      // The probe on a connection of its own: the database answers, the worker's claim does not.
      const health = await probeHealth(createHealthHandler({ sql: db.sql, inFlight: () => a.inFlight, claims: () => a.claimHealth() }));
      assert.equal(health.status, 503);
      assert.equal(health.body.database, 'up');
      assert.deepEqual({ healthy: health.body.claims?.healthy, state: health.body.claims?.state }, { healthy: false, state: 'unanswered' });

      assert.equal(await race(a.stop(200).then(() => 'stopped' as const)), 'stopped', 'stop() resolved, long before the test gave up on it');
      assert.equal(logs.find('the claim loop did not finish within the shutdown deadline').length, 1);

      await frozen.proxy.setMode('pass');
      // The held claim reaches the database now and takes the three jobs for the stopped runner.
      await waitFor('the late claim to give its jobs back', () => logs.find('a claim answered while stopping').length > 0, { on: [logs.events, 'line'] });
      assert.deepEqual((logs.find('a claim answered while stopping')[0]!.job_ids as number[]).length, 3);
      assert.deepEqual(await drainWithAnotherRunner(), [1, 2, 3].map((n) => ({ n, attempt: 1 })), 'each job run once, by the other runner, its attempt not counted twice');
      assert.deepEqual(frozen.ranByA, [], 'the stopped runner started nothing');
    } finally {
      await frozen.close();
    }
  });

  test('while the network stays frozen, stop() resolves at its deadline and the pool closes with its timeout (the process can exit); the jobs the claim never reached run once on another runner', async () => {
    const frozen = await frozenClaim('freeze');
    try {
      const { a, logs } = frozen;
      assert.equal(await race(a.stop(200).then(() => 'stopped' as const)), 'stopped');
      assert.equal(logs.find('the claim loop did not finish within the shutdown deadline').length, 1);
      // What worker/main.ts does next (shutdownWorker): the pool's end with a timeout.
      assert.equal(await frozen.endPoolWhileFrozen(), 'closed');
      // The abandoned claim fails with the pool, and the loop ends instead of claiming again.
      await waitFor('the unanswered claim to fail with the pool', () => logs.find('the claim in flight at shutdown failed').length > 0, { on: [logs.events, 'line'] });
      await frozen.proxy.setMode('pass');
      assert.deepEqual(await drainWithAnotherRunner(), [1, 2, 3].map((n) => ({ n, attempt: 1 })));
      assert.deepEqual(frozen.ranByA, []);
    } finally {
      await frozen.close();
    }
  });

  test('a claim the database ran but whose answer never came: stop() resolves at its deadline, and the jobs it took are left to their lease, then run once on another runner', async () => {
    const frozen = await frozenClaim('freeze-answers');
    try {
      const { a, logs } = frozen;
      assert.equal(await race(a.stop(200).then(() => 'stopped' as const)), 'stopped');
      assert.equal(logs.find('the claim loop did not finish within the shutdown deadline').length, 1);
      assert.equal(await frozen.endPoolWhileFrozen(), 'closed');
      await frozen.proxy.setMode('pass');
      // The stopped runner's claim counted an attempt; its lease (500 ms) expires and the
      // other runner's reaper queues the jobs again, as from a worker that died.
      assert.deepEqual(await drainWithAnotherRunner(), [1, 2, 3].map((n) => ({ n, attempt: 2 })));
      assert.deepEqual(frozen.ranByA, []);
    } finally {
      await frozen.close();
    }
  });
});
