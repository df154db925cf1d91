import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import * as z from 'zod';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';
import { waitFor } from './support/waitFor.js';

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  await db.sql`create table note_done (n int not null, worker text not null, at timestamptz not null default clock_timestamp())`;
});
after(async () => { await db.drop(); });

function startWorker(id: string, env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/noteWorkerProcess.ts'], {
    env: { ...process.env, DATABASE_URL: db.url, WORKER_ID: id, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started: number[] = [];
  /** When its claims found nothing (epoch ms), as it reported them. */
  const idleAt: number[] = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const m of chunk.matchAll(/started (\d+)/g)) started.push(Number(m[1]));
    for (const m of chunk.matchAll(/idle (\d+)/g)) idleAt.push(Number(m[1]));
  });
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  /** Re-checks after each line the worker prints. */
  const output = [child.stdout, 'data'] as const;
  return { child, started, idleAt, output, exited };
}

test('a worker killed with SIGKILL while holding jobs loses none: another finishes them after the lease', { skip: needsServer }, async () => {
  for (let n = 0; n < 20; n++) await enqueue(db.sql, noteJob, { n });
  // A holds every job for 60 s: long enough that only its death can free them.
  // Leases of 4 s renewed every 1.3 s: only a stall of 2.6 s would let B in while A lives.
  const leaseMs = 4000;
  const a = startWorker('A', { NOTE_SLEEP_MS: '60000', CONCURRENCY: '20', LEASE_MS: String(leaseMs) });
  await waitFor('worker A to start all 20 jobs', () => a.started.length === 20, { on: a.output });
  // A claimed them all before now, so leases it had not renewed would have ended by this time.
  const unrenewedLeasesEnd = Date.now() + leaseMs;
  const b = startWorker('B', { NOTE_SLEEP_MS: '0', CONCURRENCY: '20', LEASE_MS: String(leaseMs) });
  try {
    // While A's leases are alive and renewed, B gets nothing. B must have been looking, though:
    // wait until B's claims (its reaper runs every 50 ms) came up empty well after the moment
    // unrenewed leases would have run out, so that only A's renewals can have kept B out.
    await waitFor('worker B to claim in vain after A\'s first leases would have ended',
      () => b.started.length > 0 || b.idleAt.some((t) => t > unrenewedLeasesEnd + 500), { on: b.output });
    assert.equal(b.started.length, 0, 'B claimed jobs whose lease was alive');
    a.child.kill('SIGKILL');
    assert.equal(await a.exited, 'SIGKILL');
    await waitFor('the queue to drain', async () => (await db.sql`select 1 from jobs limit 1`).length === 0, { on: b.output });
    const done = await db.sql<{ n: number; worker: string }[]>`select n, worker from note_done order by n`;
    assert.deepEqual(done.map((r) => r.n), Array.from({ length: 20 }, (_, i) => i), 'every job finished exactly once');
    assert.ok(done.every((r) => r.worker === 'B'));
  } finally {
    b.child.kill('SIGTERM');
    await b.exited;
  }
});

test('SIGTERM lets running jobs finish before the worker exits', { skip: needsServer }, async () => {
  for (let n = 100; n < 105; n++) await enqueue(db.sql, noteJob, { n });
  const w = startWorker('C', { NOTE_SLEEP_MS: '500', CONCURRENCY: '5', LEASE_MS: '5000' });
  await waitFor('worker C to start 5 jobs', () => w.started.length === 5, { on: w.output });
  w.child.kill('SIGTERM');
  assert.equal(await w.exited, 0);
  const done = await db.sql<{ n: number }[]>`select n from note_done where worker = 'C' order by n`;
  assert.deepEqual(done.map((r) => r.n), [100, 101, 102, 103, 104]);
  assert.equal((await db.sql`select 1 from jobs`).length, 0);
});
