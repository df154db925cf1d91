import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { completeJobs } from '../shared/queue/completeJobs.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { failJob } from '../shared/queue/failJob.js';
import { repairStrandedKeys } from '../shared/queue/repairStrandedKeys.js';
import { replayJobs } from '../shared/queue/replayJobs.js';
import { requeueExpiredLeases } from '../shared/queue/requeueExpiredLeases.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// The corners of per-key order and dedupe keys: who may write keyed jobs, replaying a key's
// dead jobs, a key left waiting behind nothing, and a dead job's dedupe key.

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
beforeEach(async () => { await db.sql`truncate jobs`; });

const claimIds = async (worker = 'w1') => (await claimJobs(db.sql, worker, 10, 30_000)).map((j) => j.id);
const states = async () => Object.fromEntries((await db.sql<{ id: number; state: string }[]>`select id, state from jobs order by id`).map((r) => [r.id, r.state]));

/** Enqueues `count` jobs on `key`, then runs each to its death (one attempt), in order. */
async function deadJobsOnKey(key: string, count: number): Promise<number[]> {
  const ids: number[] = [];
  for (let n = 0; n < count; n++) ids.push((await enqueue(db.sql, noteJob, { n }, { serialKey: key, maxAttempts: 1 }))!);
  for (const id of ids) {
    assert.deepEqual(await claimIds(), [id]);
    assert.equal(await failJob(db.sql, 'w1', id, 'boom', 0), 'failed');
  }
  return ids;
}

describe('who may write keyed jobs', () => {
  test('a keyed job written under REPEATABLE READ is refused, since its hand-over would see a stale snapshot', async () => {
    await assert.rejects(
      db.sql.begin('isolation level repeatable read', (tx) => enqueue(tx, noteJob, { n: 1 }, { serialKey: 'chat:1' })),
      /must be written under READ COMMITTED, not repeatable read/);
    await assert.rejects(
      db.sql.begin('isolation level serializable', (tx) => enqueue(tx, noteJob, { n: 1 }, { serialKey: 'chat:1' })),
      /READ COMMITTED, not serializable/);
    assert.deepEqual(await states(), {}, 'nothing was written');
  });

  test('finishing a keyed job under REPEATABLE READ is refused too; jobs without a key are not affected', async () => {
    const keyed = (await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:1' }))!;
    await claimIds();
    await assert.rejects(db.sql.begin('isolation level repeatable read', (tx) => tx`delete from jobs where id = ${keyed}`), /READ COMMITTED/);
    const plain = await db.sql.begin('isolation level repeatable read', (tx) => enqueue(tx, noteJob, { n: 2 }));
    assert.ok(plain);
    await db.sql.begin('isolation level repeatable read', (tx) => tx`delete from jobs where id = ${plain}`);
    assert.deepEqual(await states(), { [keyed]: 'running' });
  });
});

describe('replaying a key\'s dead jobs', () => {
  test('replay --all runs them again in id order, whatever order the table holds them in', async () => {
    const [a, b, c] = await deadJobsOnKey('chat:7', 3);
    // Job a's row written last, as an operator's note would: the table now holds b, c, a.
    await db.sql`update jobs set last_error = 'looked at', failed_at = now() + interval '1 minute' where id = ${a!}`;
    assert.deepEqual(await replayJobs(db.sql), [a, b, c]);
    assert.deepEqual(await states(), { [a!]: 'queued', [b!]: 'waiting', [c!]: 'waiting' });
    for (const id of [a, b, c]) {
      assert.deepEqual(await claimIds(), [id]);
      await completeJobs(db.sql, 'w1', [id!]);
    }
  });

  test('replayed jobs wait behind the key\'s live head', async () => {
    const [a, b] = await deadJobsOnKey('chat:8', 2);
    const head = (await enqueue(db.sql, noteJob, { n: 9 }, { serialKey: 'chat:8' }))!;
    await replayJobs(db.sql);
    assert.deepEqual(await states(), { [a!]: 'waiting', [b!]: 'waiting', [head]: 'queued' });
    assert.deepEqual(await claimIds(), [head]);
    await completeJobs(db.sql, 'w1', [head]);
    assert.deepEqual(await claimIds(), [a]);
  });

  test('replaying chosen ids leaves the other dead jobs dead; jobs without a key are queued at once', async () => {
    const [a, b] = await deadJobsOnKey('chat:9', 2);
    const plain = (await enqueue(db.sql, noteJob, { n: 5 }, { maxAttempts: 1 }))!;
    await claimIds();
    await failJob(db.sql, 'w1', plain, 'boom', 0);
    assert.deepEqual(await replayJobs(db.sql, [b!, plain]), [b, plain]);
    assert.deepEqual(await states(), { [a!]: 'failed', [b!]: 'queued', [plain]: 'queued' });
  });
});

describe('a key waiting behind nothing', () => {
  test('the maintenance pass makes the oldest waiting job of a stranded key its head, and leaves healthy keys alone', async () => {
    const s1 = (await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:stranded' }))!;
    const s2 = (await enqueue(db.sql, noteJob, { n: 2 }, { serialKey: 'chat:stranded' }))!;
    const h1 = (await enqueue(db.sql, noteJob, { n: 3 }, { serialKey: 'chat:healthy' }))!;
    const h2 = (await enqueue(db.sql, noteJob, { n: 4 }, { serialKey: 'chat:healthy' }))!;
    // What a writer with a stale snapshot (or a hand edit) leaves: no head, everyone waiting.
    await db.sql`update jobs set state = 'waiting' where id = ${s1}`;
    assert.deepEqual(await claimIds(), [h1], 'the stranded key runs nothing');
    assert.deepEqual(await repairStrandedKeys(db.sql), [s1]);
    assert.deepEqual(await states(), { [s1]: 'queued', [s2]: 'waiting', [h1]: 'running', [h2]: 'waiting' });
    assert.deepEqual(await repairStrandedKeys(db.sql), [], 'a second pass finds nothing');
  });

  test('it runs as a periodic task', async () => {
    const { periodicTasks } = await import('../worker/periodicTasks.js');
    const task = periodicTasks.find((t) => t.name === 'repair_stranded_keys');
    assert.ok(task, 'repair_stranded_keys is scheduled');
    const id = (await enqueue(db.sql, noteJob, { n: 1 }, { serialKey: 'chat:x' }))!;
    await db.sql`update jobs set state = 'waiting' where id = ${id}`;
    assert.deepEqual(await task.run(db.sql), { promoted: 1 });
  });
});

describe('a dead job\'s dedupe key', () => {
  test('a job that dies gives its dedupe key up, so the next one with that key is enqueued', async () => {
    const first = (await enqueue(db.sql, noteJob, { n: 1 }, { dedupeKey: 'tick:1', maxAttempts: 1 }))!;
    assert.equal(await enqueue(db.sql, noteJob, { n: 2 }, { dedupeKey: 'tick:1' }), null, 'a live job holds it');
    await claimIds();
    assert.equal(await failJob(db.sql, 'w1', first, 'boom', 0), 'failed');
    const second = await enqueue(db.sql, noteJob, { n: 3 }, { dedupeKey: 'tick:1' });
    assert.ok(second, 'the dead job no longer holds the key');
    assert.deepEqual(await replayJobs(db.sql, [first]), [first], 'the dead job can still be replayed');
  });

  test('so does a job whose last attempt lost its worker', async () => {
    const first = (await enqueue(db.sql, noteJob, { n: 1 }, { dedupeKey: 'tick:2', maxAttempts: 1 }))!;
    await claimIds('dead-worker');
    await db.sql`update jobs set locked_until = now() - interval '1 millisecond' where id = ${first}`;
    assert.deepEqual(await requeueExpiredLeases(db.sql), [first]);
    assert.deepEqual(await states(), { [first]: 'failed' });
    assert.ok(await enqueue(db.sql, noteJob, { n: 2 }, { dedupeKey: 'tick:2' }));
  });
});
