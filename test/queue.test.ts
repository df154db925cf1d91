import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { JobPriority } from '../shared/queue/priority.js';
import { jobHandler, PermanentJobError } from '../shared/queue/jobHandler.js';
import { JobRunner } from '../worker/jobRunner.js';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { completeJobs } from '../shared/queue/completeJobs.js';
import { failJob } from '../shared/queue/failJob.js';
import { releaseJobs } from '../shared/queue/releaseJobs.js';
import { replayJobs } from '../shared/queue/replayJobs.js';
import { requeueExpiredLeases } from '../shared/queue/requeueExpiredLeases.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';
import { waitFor } from './support/waitFor.js';

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;

before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
beforeEach(async () => { await db.sql`truncate jobs`; });

/** Ends every lease now, as if the holder had stopped renewing long ago (no wall clock involved). */
async function expireLeases() {
  await db.sql`update jobs set locked_until = now() - interval '1 millisecond' where state = 'running'`;
}

async function jobRow(id: number) {
  const [row] = await db.sql<{ state: string; attempts: number; last_error: string | null; run_at: Date; locked_by: string | null }[]>`
    select state, attempts, last_error, run_at, locked_by from jobs where id = ${id}`;
  return row;
}

describe('enqueue', () => {
  test('validates the payload at the producer, before anything is written', async () => {
    await assert.rejects(enqueue(db.sql, noteJob, { n: 'one' } as never), /expected number/i);
    const [row] = await db.sql<{ count: number }[]>`select count(*)::int as count from jobs`;
    assert.equal(row?.count, 0);
  });

  test('a dedupe key admits one live job', async () => {
    const first = await enqueue(db.sql, noteJob, { n: 1 }, { dedupeKey: 'daily:42' });
    const second = await enqueue(db.sql, noteJob, { n: 2 }, { dedupeKey: 'daily:42' });
    assert.ok(first);
    assert.equal(second, null);
  });

  test('defaults: 3 attempts, run now, the type\'s priority', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    const [row] = await db.sql`select max_attempts, priority, run_at <= now() as due from jobs where id = ${id}`;
    assert.deepEqual({ ...row }, { max_attempts: 3, priority: 50, due: true });
  });
});

describe('claiming', () => {
  test('interactive jobs are claimed before bulk jobs enqueued earlier', async () => {
    for (let n = 0; n < 5; n++) await enqueue(db.sql, noteJob, { n }, { priority: JobPriority.bulk });
    const urgent = await enqueue(db.sql, noteJob, { n: 99 }, { priority: JobPriority.interactive });
    const [first] = await claimJobs(db.sql, 'w1', 1, 30_000);
    assert.equal(first?.id, urgent);
  });

  test('a job due later is not claimed before its time', async () => {
    await enqueue(db.sql, noteJob, { n: 1 }, { runAt: new Date(Date.now() + 60_000) });
    assert.deepEqual(await claimJobs(db.sql, 'w1', 10, 30_000), []);
  });

  test('jobs sharing a serialization key are claimed one at a time, in enqueue order', async () => {
    const a = await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:1' });
    const b = await enqueue(db.sql, noteJob, { n: 2 }, { serialKey: 'chat:1' });
    const other = await enqueue(db.sql, noteJob, { n: 3 }, { serialKey: 'chat:2' });
    const claimed = await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.deepEqual(claimed.map((j) => j.id).sort(), [a, other].sort());
    // Another worker finds nothing: b waits for a.
    assert.deepEqual(await claimJobs(db.sql, 'w2', 10, 30_000), []);
    await completeJobs(db.sql, 'w1', [a!]);
    const next = await claimJobs(db.sql, 'w2', 10, 30_000);
    assert.deepEqual(next.map((j) => j.id), [b]);
  });

  test('a job waiting for its retry keeps later jobs of its key waiting', async () => {
    const a = await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:1' });
    await enqueue(db.sql, noteJob, { n: 2 }, { serialKey: 'chat:1' });
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await failJob(db.sql, 'w1', a!, 'boom', 60_000), 'retry');
    assert.deepEqual(await claimJobs(db.sql, 'w1', 10, 30_000), []);
  });

  test('a dead job releases its key so one bad update cannot silence a chat', async () => {
    const a = await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:1', maxAttempts: 1 });
    const b = await enqueue(db.sql, noteJob, { n: 2 }, { serialKey: 'chat:1' });
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await failJob(db.sql, 'w1', a!, 'boom', 0), 'failed');
    assert.deepEqual((await claimJobs(db.sql, 'w1', 10, 30_000)).map((j) => j.id), [b]);
  });

  test('a replayed dead job waits behind its key\'s current head instead of running beside it', async () => {
    const dead = await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:9', maxAttempts: 1 });
    await claimJobs(db.sql, 'w1', 10, 30_000);
    await failJob(db.sql, 'w1', dead!, 'boom', 0);
    const head = await enqueue(db.sql, noteJob, { n: 2 }, { serialKey: 'chat:9' });
    assert.deepEqual((await claimJobs(db.sql, 'w1', 10, 30_000)).map((j) => j.id), [head]);
    await replayJobs(db.sql, [dead!]);
    assert.deepEqual(await claimJobs(db.sql, 'w1', 10, 30_000), []);
    await completeJobs(db.sql, 'w1', [head!]);
    assert.deepEqual((await claimJobs(db.sql, 'w1', 10, 30_000)).map((j) => j.id), [dead]);
  });

  test('a backlog on few keys does not slow the claim: only heads are visible to it', async () => {
    await db.sql`insert into jobs (type, payload, serial_key) select 'note', '{"n":0}', 'k' || (g % 5) from generate_series(1, 500) g`;
    const [row] = await db.sql<{ queued: number; waiting: number }[]>`
      select count(*) filter (where state = 'queued')::int as queued, count(*) filter (where state = 'waiting')::int as waiting from jobs`;
    assert.deepEqual({ ...row }, { queued: 5, waiting: 495 });
  });

  test('enqueues racing with completions on the same keys never strand a job', { skip: needsServer }, async () => {
    const producer = async (p: number) => {
      for (let i = 0; i < 100; i++) await enqueue(db.sql, noteJob, { n: p * 1000 + i }, { serialKey: `chat:${i % 3}` });
    };
    let producing = true;
    const producers = Promise.all([producer(1), producer(2), producer(3)]).finally(() => { producing = false; });
    // A consumer stops at its first empty claim once every job is enqueued: a completion commits
    // its key's promotion before the same consumer claims again, so an empty claim then means
    // nothing is claimable, and whatever is left is stranded (no idle counting against a clock).
    const consumer = async (w: string) => {
      for (;;) {
        const wasProducing = producing;
        const jobs = await claimJobs(db.sql, w, 5, 30_000);
        if (jobs.length === 0) {
          if (!wasProducing) return;
          await new Promise((r) => setImmediate(r));
          continue;
        }
        await completeJobs(db.sql, w, jobs.map((j) => j.id));
      }
    };
    await Promise.all([producers, consumer('w1'), consumer('w2')]);
    const left = await db.sql`select state, count(*)::int from jobs group by state`;
    assert.deepEqual(left.map((r) => ({ ...r })), [], 'every job ran; none is left waiting behind nothing');
  });

  // On PGlite's single connection the four claims run one after another, so they cannot collide.
  test('two workers claiming at once never get the same job', { skip: needsServer }, async () => {
    for (let n = 0; n < 200; n++) await enqueue(db.sql, noteJob, { n });
    const batches = await Promise.all([1, 2, 3, 4].map((w) => claimJobs(db.sql, `w${w}`, 80, 30_000)));
    const ids = batches.flat().map((j) => j.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(ids.length, 200);
  });
});

describe('leases', () => {
  test('a job whose lease expired is queued again, and its old holder can no longer finish it', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    await claimJobs(db.sql, 'dead-worker', 1, 30_000);
    assert.deepEqual(await requeueExpiredLeases(db.sql), []); // lease still alive
    await expireLeases();
    assert.deepEqual(await requeueExpiredLeases(db.sql), [id]);
    const [again] = await claimJobs(db.sql, 'w2', 1, 30_000);
    assert.equal(again?.id, id);
    assert.equal(again?.attempts, 2);
    await completeJobs(db.sql, 'dead-worker', [id!]); // a zombie's late completion does nothing
    assert.equal((await jobRow(id!))?.locked_by, 'w2');
  });

  test('a job that keeps losing its worker ends up failed, not in a loop', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 }, { maxAttempts: 1 });
    await claimJobs(db.sql, 'dead-worker', 1, 30_000);
    await expireLeases();
    await requeueExpiredLeases(db.sql);
    const row = await jobRow(id!);
    assert.equal(row?.state, 'failed');
    assert.match(row?.last_error ?? '', /lease expired/);
  });

  test('releasing at shutdown gives the job back without counting the attempt', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    await claimJobs(db.sql, 'w1', 1, 30_000);
    await releaseJobs(db.sql, 'w1', [id!]);
    const row = await jobRow(id!);
    assert.deepEqual({ state: row?.state, attempts: row?.attempts }, { state: 'queued', attempts: 0 });
  });
});

describe('failures', () => {
  test('retries with backoff, then fails for good after max_attempts, then replays', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    for (let attempt = 1; attempt <= 3; attempt++) {
      await db.sql`update jobs set run_at = now() where id = ${id}`;
      const [job] = await claimJobs(db.sql, 'w1', 1, 30_000);
      assert.equal(job?.attempts, attempt);
      const outcome = await failJob(db.sql, 'w1', id!, `boom ${attempt}`, 5_000);
      assert.equal(outcome, attempt < 3 ? 'retry' : 'failed');
    }
    const dead = await jobRow(id!);
    assert.equal(dead?.state, 'failed');
    assert.equal(dead?.last_error, 'boom 3');
    assert.deepEqual(await claimJobs(db.sql, 'w1', 1, 30_000), []);
    assert.deepEqual(await replayJobs(db.sql, [id!]), [id]);
    const [replayed] = await claimJobs(db.sql, 'w1', 1, 30_000);
    assert.deepEqual({ id: replayed?.id, attempts: replayed?.attempts }, { id, attempts: 1 });
  });
});

/** Inserts a job bypassing enqueue's validation, as a buggy or older producer might. */
async function insertRaw(type: string, payload: object, maxAttempts = 3): Promise<number> {
  const [row] = await db.sql<{ id: number }[]>`
    insert into jobs (type, payload, max_attempts) values (${type}, ${db.sql.json(payload as never)}, ${maxAttempts}) returning id`;
  return row!.id;
}

/** Runs `runner` until `done`, checked after each thing it reports (a completion, a failure, going idle). */
async function runUntil(runner: JobRunner, what: string, done: () => Promise<boolean>) {
  await runner.start();
  try {
    await waitFor(what, done, { on: [[runner, 'completed'], [runner, 'failed'], [runner, 'idle']] });
  } finally {
    await runner.stop(1000);
  }
}

describe('the job runner', () => {
  test('runs jobs and deletes them when they finish', async () => {
    const seen: number[] = [];
    for (let n = 0; n < 50; n++) await enqueue(db.sql, noteJob, { n });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(noteJob, async ({ n }) => { seen.push(n); })],
    });
    await runUntil(runner, 'the queue to drain', async () => (await db.sql`select 1 from jobs limit 1`).length === 0);
    assert.deepEqual(seen.sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  });

  test('an unknown job type fails with a clear error', async () => {
    const id = await insertRaw('no_such_type', {}, 1);
    const runner = new JobRunner({ sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, handlers: [] });
    await runUntil(runner, 'the job to fail', async () => (await jobRow(id))?.state === 'failed');
    assert.match((await jobRow(id))?.last_error ?? '', /unknown job type 'no_such_type'/);
  });

  test('a payload that does not match its schema fails at once, without retries', async () => {
    const id = await insertRaw('note', { n: 'x' });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(noteJob, async () => {})],
    });
    await runUntil(runner, 'the job to fail', async () => (await jobRow(id))?.state === 'failed');
    const row = await jobRow(id);
    assert.equal(row?.attempts, 1);
    assert.match(row?.last_error ?? '', /PermanentJobError: invalid payload for 'note'/);
  });

  test('a thrown error is retried with backoff and recorded; anything thrown becomes an Error', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, backoff: { baseMs: 60_000 },
      handlers: [jobHandler(noteJob, async () => { throw 'a string, not an Error'; })],
    });
    await runUntil(runner, 'the failure to be recorded', async () => (await jobRow(id!))?.last_error != null);
    const row = await jobRow(id!);
    assert.equal(row?.state, 'queued');
    assert.match(row?.last_error ?? '', /Error: a string, not an Error/);
    const delay = row!.run_at.getTime() - Date.now();
    assert.ok(delay > 20_000 && delay <= 60_000, `retry scheduled ${delay} ms ahead, expected 30-60 s (base 60 s, jitter)`);
  });

  test('a PermanentJobError skips the remaining attempts', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(noteJob, async () => { throw new PermanentJobError('chat not found'); })],
    });
    await runUntil(runner, 'the job to fail', async () => (await jobRow(id!))?.state === 'failed');
    assert.equal((await jobRow(id!))?.attempts, 1);
  });

  test('never runs more jobs at once than its concurrency', async () => {
    let active = 0;
    let peak = 0;
    for (let n = 0; n < 30; n++) await enqueue(db.sql, noteJob, { n });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, concurrency: 4,
      handlers: [jobHandler(noteJob, async () => {
        active++; peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 10));
        active--;
      })],
    });
    await runUntil(runner, 'the queue to drain', async () => (await db.sql`select 1 from jobs limit 1`).length === 0);
    assert.equal(peak, 4);
  });

  test('stop() lets a running job finish before returning', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((r) => { started = r; });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(noteJob, async () => { started(); await new Promise((r) => setTimeout(r, 200)); finished = true; })],
    });
    await runner.start();
    await running;
    await runner.stop(5_000);
    assert.equal(finished, true);
    assert.equal(await jobRow(id!), undefined);
  });

  test('stop() past its deadline releases the unfinished job for another worker', async () => {
    const id = await enqueue(db.sql, noteJob, { n: 1 });
    let started!: () => void;
    const running = new Promise<void>((r) => { started = r; });
    let aborted = false;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(noteJob, (_p, ctx) => new Promise<void>((resolve) => {
        started();
        ctx.signal.addEventListener('abort', () => { aborted = true; resolve(); });
      }))],
    });
    await runner.start();
    await running;
    await runner.stop(50);
    assert.equal(aborted, true);
    const row = await jobRow(id!);
    assert.deepEqual({ state: row?.state, attempts: row?.attempts, locked_by: row?.locked_by }, { state: 'queued', attempts: 0, locked_by: null });
  });
});

describe('prefetch', () => {
  test('holds claimed jobs beyond its concurrency, runs them all, and gives back unstarted ones at stop', async () => {
    for (let n = 0; n < 20; n++) await enqueue(db.sql, noteJob, { n });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let startedCount = 0;
    let twoStarted!: () => void;
    const startedTwo = new Promise<void>((r) => { twoStarted = r; });
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, concurrency: 2, prefetch: 8,
      handlers: [jobHandler(noteJob, async () => { if (++startedCount === 2) twoStarted(); await gate; })],
    });
    await runner.start();
    // The claim marks rows running before p-limit starts their handlers: wait for both, and for
    // the loop to sleep with every slot and prefetch place taken (it claims until then).
    await startedTwo;
    await waitFor('the runner to hold 10 jobs and sleep', () => runner.sleeping, { on: [runner, 'idle'] });
    const [held] = await db.sql<{ running: number }[]>`select count(*)::int as running from jobs where state = 'running'`;
    assert.equal(held?.running, 10, 'concurrency 2 + prefetch 8 claimed');
    assert.equal(startedCount, 2, 'only `concurrency` jobs run; the rest are held');
    const stopping = runner.stop(5_000);
    release();
    await stopping;
    const [row] = await db.sql<{ queued: number; running: number; done: number }[]>`
      select count(*) filter (where state = 'queued')::int as queued, count(*) filter (where state = 'running')::int as running,
             20 - count(*)::int as done from jobs`;
    assert.deepEqual({ ...row }, { queued: 18, running: 0, done: 2 }, 'the two started jobs finished; 8 held and 10 unclaimed are queued');
    const [attempts] = await db.sql<{ max: number }[]>`select max(attempts)::int as max from jobs`;
    assert.equal(attempts?.max, 0, 'giving back a held job does not count an attempt');
  });
});
