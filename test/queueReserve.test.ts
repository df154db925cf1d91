import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, test } from 'node:test';
import * as z from 'zod';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { jobHandler } from '../shared/queue/jobHandler.js';
import { JobPriority } from '../shared/queue/priority.js';
import { JobRunner } from '../worker/jobRunner.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';
import { waitFor } from './support/waitFor.js';

// Bulk jobs (broadcasts' sends) never take the runner's last slots: a person's update finds one
// even while every bulk job is stuck (a Telegram outage, a locked send slot).

const bulkJob = defineJob('reserve_bulk', z.object({ n: z.number().int() }), { priority: JobPriority.bulk });
const personJob = defineJob('reserve_person', z.object({ n: z.number().int() }), { priority: JobPriority.interactive });
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

test('with every bulk job stuck, a quarter of the slots (at least one) stays for interactive jobs', async () => {
  let release!: () => void;
  const stuck = new Promise<void>((r) => { release = r; });
  let personRan!: () => void;
  const person = new Promise<void>((r) => { personRan = r; });
  const runner = new JobRunner({
    sql: db.sql, log: testLogger, concurrency: 4, pollIntervalMs: 60_000, listen: false,
    handlers: [jobHandler(bulkJob, () => stuck), jobHandler(personJob, async () => personRan())],
  });
  for (let n = 0; n < 10; n++) await enqueue(db.sql, bulkJob, { n });
  const idle = once(runner, 'idle');
  await runner.start();
  try {
    // The first claim takes what bulk may have, and the runner goes to sleep with a slot free.
    await idle;
    assert.equal(runner.inFlight, 3, 'bulk jobs hold 3 of the 4 slots');
    await enqueue(db.sql, personJob, { n: 1 });
    runner.kick();
    await person;
    assert.equal((await db.sql`select 1 from jobs where type = 'reserve_bulk' and state = 'running'`).length, 3, 'still 3 bulk jobs running, the rest queued');
  } finally {
    release();
    await waitFor('every job done', async () => (await db.sql`select 1 from jobs`).length === 0, { on: [runner, 'completed'] });
    await runner.stop(1000);
  }
});
