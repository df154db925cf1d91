import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { jobHandler, SnoozeJob } from '../shared/queue/jobHandler.js';
import { replayJobs } from '../shared/queue/replayJobs.js';
import { snoozeJob } from '../shared/queue/snoozeJob.js';
import { JobRunner } from '../worker/jobRunner.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';
import { waitFor } from './support/waitFor.js';

// A handler waiting on someone else gives its slot back: SnoozeJob queues the job again for
// later without spending an attempt, bounded by the runner's maxSnoozes.

const waitingJob = defineJob('waiting', z.object({ n: z.number().int() }), { maxAttempts: 1 });
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
beforeEach(async () => { await db.sql`delete from jobs`; });

const jobRow = async (id: number) => (await db.sql<{ state: string; attempts: number; snoozes: number; locked_by: string | null; due_in_ms: number }[]>`
  select state, attempts, snoozes, locked_by, extract(epoch from run_at - now()) * 1000 as due_in_ms from jobs where id = ${id}`)[0];

describe('snoozing a job', () => {
  test('it is queued again for later, unlocked, its attempt given back, and stays its key\'s head', async () => {
    const id = (await enqueue(db.sql, waitingJob, { n: 1 }, { serialKey: 'post:1' }))!;
    const behind = (await enqueue(db.sql, waitingJob, { n: 2 }, { serialKey: 'post:1' }))!;
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 60_000, 5), true);
    const row = await jobRow(id);
    assert.deepEqual({ state: row!.state, attempts: row!.attempts, snoozes: row!.snoozes, locked_by: row!.locked_by }, { state: 'queued', attempts: 0, snoozes: 1, locked_by: null });
    assert.ok(Number(row!.due_in_ms) > 50_000, `due in ${row!.due_in_ms} ms`);
    // Not due yet, and the job behind it on the key waits for it.
    assert.deepEqual(await claimJobs(db.sql, 'w1', 10, 30_000), []);
    assert.equal((await jobRow(behind))!.state, 'waiting');
  });

  test('a replayed job gets its snoozes back with its attempts: it can snooze again', async () => {
    const id = (await enqueue(db.sql, waitingJob, { n: 1 }))!;
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 0, 1), true);
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 0, 1), false, 'past the limit');
    await db.sql`update jobs set state = 'failed', failed_at = now(), locked_by = null, locked_until = null where id = ${id}`;
    assert.deepEqual(await replayJobs(db.sql, [id]), [id]);
    assert.equal((await jobRow(id))!.snoozes, 0);
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 0, 1), true, 'the replay gave the snooze back');
  });

  test('a worker that lost the job\'s lease cannot snooze it, nor can one past the limit', async () => {
    const id = (await enqueue(db.sql, waitingJob, { n: 1 }))!;
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w2', id, 0, 5), false);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 0, 1), true);
    await claimJobs(db.sql, 'w1', 10, 30_000);
    assert.equal(await snoozeJob(db.sql, 'w1', id, 0, 1), false, 'the second snooze is past a limit of 1');
  });

  test('the runner runs a snoozing handler again until it is done, never failing a one-attempt job for it', async () => {
    const calls: number[] = [];
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false,
      handlers: [jobHandler(waitingJob, async (_p, ctx) => {
        calls.push(ctx.job.attempts);
        if (calls.length < 4) throw new SnoozeJob(10, 'still processing');
      })],
    });
    const id = (await enqueue(db.sql, waitingJob, { n: 1 }))!;
    await runner.start();
    try {
      await waitFor('the job to be done', async () => (await jobRow(id)) === undefined, { on: [[runner, 'completed'], [runner, 'snoozed']], timeoutMs: 15_000 });
      assert.deepEqual(calls, [1, 1, 1, 1], 'every run is the first attempt');
    } finally {
      await runner.stop(1000);
    }
  });

  test('past maxSnoozes a snooze counts as a failed attempt', async () => {
    let runs = 0;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, maxSnoozes: 2,
      handlers: [jobHandler(waitingJob, async () => { runs++; throw new SnoozeJob(10, 'still processing'); })],
    });
    const id = (await enqueue(db.sql, waitingJob, { n: 1 }))!;
    await runner.start();
    try {
      await waitFor('the job to die', async () => (await jobRow(id))?.state === 'failed', { on: [[runner, 'failed'], [runner, 'snoozed']], timeoutMs: 15_000 });
      assert.equal(runs, 3, 'two snoozes, then the failed attempt');
      const [row] = await db.sql<{ last_error: string }[]>`select last_error from jobs where id = ${id}`;
      assert.match(row!.last_error, /SnoozeJob: still processing/);
    } finally {
      await runner.stop(1000);
    }
  });
});
