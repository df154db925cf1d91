import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { jobHandler } from '../shared/queue/jobHandler.js';
import { requeueExpiredLeases } from '../shared/queue/requeueExpiredLeases.js';
import { JobRunner } from '../worker/jobRunner.js';
import { assertLoggedAsStreak, captureLogs } from './support/captureLogs.js';
import { interceptSql } from './support/interceptSql.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';

// How the runner keeps (and gives up) its claims when the database or the shutdown gets in the
// way: leases through an outage, a lease lost to another worker, jobs that outlive shutdown.

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;

before(async () => {
  db = await createTestDatabase();
  // A database outage as the runner meets it: every write to jobs fails while `down` is set.
  await db.sql`create table test_outage (down boolean not null)`;
  await db.sql`insert into test_outage values (false)`;
  await db.sql.unsafe(`
    create function test_outage_check() returns trigger language plpgsql as $$
    begin
      if (select down from test_outage) then raise exception 'database unreachable (test outage)'; end if;
      return null;
    end $$;
    create trigger test_outage before insert or update or delete on jobs for each statement execute function test_outage_check();`);
});
after(async () => { await db.drop(); });
beforeEach(async () => {
  await db.sql`update test_outage set down = false`;
  await db.sql`truncate jobs`;
});

async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function jobRow(id: number) {
  const [row] = await db.sql<{ state: string; attempts: number; locked_by: string | null; last_error: string | null }[]>`
    select state, attempts, locked_by, last_error from jobs where id = ${id}`;
  return row ? { ...row } : undefined;
}

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => { open = r; });
  return { open, opened };
}

describe('leases through an outage', () => {
  test('after an outage longer than the lease, the worker deletes what it finished and runs nothing twice', async () => {
    const ids = [];
    for (let n = 0; n < 3; n++) ids.push(await enqueue(db.sql, noteJob, { n }));
    const runs = new Map<number, number>();
    const outage = gate();
    const logs = captureLogs();
    // The reaper checks every 20 ms and the flush retries every 200 ms: if the reaper could
    // take back this worker's own finished jobs, it would win the race after the outage.
    const runner = new JobRunner({
      sql: db.sql, log: logs.log, pollIntervalMs: 20, listen: false, leaseMs: 600,
      handlers: [jobHandler(noteJob, async ({ n }) => {
        runs.set(n, (runs.get(n) ?? 0) + 1);
        await outage.opened;
      })],
    });
    await runner.start();
    try {
      await waitFor(() => runs.size === 3, 'all three jobs to start');
      await db.sql`update test_outage set down = true`;
      outage.open(); // the handlers finish while nothing can be written: no delete, no renewal
      await waitFor(async () => {
        const [row] = await db.sql<{ expired: number }[]>`select count(*)::int as expired from jobs where state = 'running' and locked_until < now()`;
        return row!.expired === 3;
      }, 'the leases of the finished jobs to expire');
      await db.sql`update test_outage set down = false`;
      await waitFor(async () => (await db.sql`select 1 from jobs limit 1`).length === 0, 'the finished jobs to be deleted');
    } finally {
      await runner.stop(1000);
    }
    assert.deepEqual([...runs.entries()].sort(), [[0, 1], [1, 1], [2, 1]], 'each job ran once');
    assertLoggedAsStreak(logs.lines, 'could not delete finished jobs; retrying', 'could not delete finished jobs, again; retrying', 'finished jobs deleted again');
  });

  test('renewals that keep failing are logged once with the error, then a line each with the count, then once when they work again', async () => {
    await enqueue(db.sql, noteJob, { n: 1 });
    const started = gate();
    const release = gate();
    const logs = captureLogs();
    const runner = new JobRunner({
      sql: db.sql, log: logs.log, pollIntervalMs: 20, listen: false, leaseMs: 1500,
      handlers: [jobHandler(noteJob, async () => { started.open(); await release.opened; })],
    });
    await runner.start();
    try {
      await started.opened;
      await db.sql`update test_outage set down = true`;
      await waitFor(() => logs.find('could not renew leases').length >= 2, 'two renewals to fail');
      await db.sql`update test_outage set down = false`;
      await waitFor(() => logs.find('renewing leases works again').length === 1, 'a renewal to work again');
    } finally {
      await db.sql`update test_outage set down = false`;
      release.open();
      await runner.stop(1000);
    }
    assertLoggedAsStreak(logs.lines, 'could not renew leases', 'could not renew leases, again', 'renewing leases works again');
  });

  test('a finished job whose delete keeps failing keeps its lease renewed, so no other worker takes it back', async () => {
    const id = (await enqueue(db.sql, noteJob, { n: 1 }))!;
    await db.sql.unsafe(`
      create function test_no_delete() returns trigger language plpgsql as $$
      begin raise exception 'deletes fail (test)'; end $$;
      create trigger test_no_delete before delete on jobs for each statement execute function test_no_delete();`);
    let runs = 0;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, leaseMs: 300,
      handlers: [jobHandler(noteJob, async () => { runs++; })],
    });
    await runner.start();
    try {
      await waitFor(() => runs === 1, 'the job to run');
      // Well past the first lease: only renewals can have kept it.
      const until = (await db.sql<{ until: Date }[]>`select locked_until as until from jobs where id = ${id}`)[0]!.until;
      await waitFor(async () => (await db.sql<{ now: Date }[]>`select now()`)[0]!.now.getTime() > until.getTime() + 600, 'two leases to pass');
      assert.deepEqual(await requeueExpiredLeases(db.sql), [], 'another worker\'s reaper finds the lease alive');
      assert.equal((await jobRow(id))?.locked_by, runner.workerId);
    } finally {
      await db.sql.unsafe('drop trigger test_no_delete on jobs; drop function test_no_delete();');
      await runner.stop(1000);
    }
    assert.equal(runs, 1);
  });

  test('a job whose lease went to another worker is aborted and its outcome is not reported', async () => {
    const id = (await enqueue(db.sql, noteJob, { n: 1 }))!;
    const started = gate();
    const aborted = gate();
    let reason: unknown;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, leaseMs: 300,
      handlers: [jobHandler(noteJob, (_p, ctx) => new Promise<void>((_resolve, reject) => {
        started.open();
        ctx.signal.addEventListener('abort', () => { reason = ctx.signal.reason; aborted.open(); reject(new Error('aborted')); });
      }))],
    });
    await runner.start();
    try {
      await started.opened;
      // What another worker's reaper and claim do once this worker's lease has expired.
      await db.sql.begin(async (tx) => {
        await tx`update jobs set locked_until = now() - interval '1 second' where id = ${id}`;
        assert.deepEqual(await requeueExpiredLeases(tx), [id]);
        assert.equal((await claimJobs(tx, 'other-worker', 1, 60_000))[0]?.id, id);
      });
      const outcome = await Promise.race([aborted.opened.then(() => 'aborted'), new Promise((r) => setTimeout(() => r('still running'), 10_000))]);
      assert.equal(outcome, 'aborted', 'the next renewal finds the lease gone and aborts the job');
      assert.match(String((reason as Error).message), /lease lost/);
    } finally {
      await runner.stop(1000);
    }
    assert.deepEqual(await jobRow(id), { state: 'running', attempts: 2, locked_by: 'other-worker', last_error: 'lease expired: the worker holding this job stopped before finishing it' },
      'the failure of the aborted run was not recorded over the other worker\'s claim');
  });

  test('a renewal tick is skipped while the previous renewal still runs', async () => {
    await enqueue(db.sql, noteJob, { n: 1 });
    const renewalHeld = gate();
    let renewals = 0;
    let reapsSinceFirstRenewal = 0;
    const sql = interceptSql(db.sql, (text, run) => {
      if (/update jobs set locked_until = now\(\)/.test(text)) {
        renewals++;
        return renewalHeld.opened.then(run);
      }
      if (/last_error = 'lease expired/.test(text) && renewals > 0) reapsSinceFirstRenewal++;
      return undefined;
    });
    const started = gate();
    const finish = gate();
    // Renewal every 100 ms, reaper every 100 ms: the reaper counts the ticks that pass.
    const runner = new JobRunner({
      sql, log: testLogger, pollIntervalMs: 100, listen: false, leaseMs: 300,
      handlers: [jobHandler(noteJob, async () => { started.open(); await finish.opened; })],
    });
    await runner.start();
    try {
      await started.opened;
      await waitFor(() => reapsSinceFirstRenewal >= 6, 'six timer ticks during a held renewal');
      assert.equal(renewals, 1, 'one renewal in flight, not one per tick');
    } finally {
      renewalHeld.open();
      finish.open();
      await runner.stop(1000);
    }
  });
});

describe('shutdown', () => {
  test('a job still running after the deadline and the abort is left to its lease, not handed to another worker', async () => {
    const id = (await enqueue(db.sql, noteJob, { n: 1 }))!;
    const started = gate();
    const finish = gate();
    let settled = false;
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, leaseMs: 30_000, abortGraceMs: 50,
      // Like a Telegram call in flight: it does not stop when aborted.
      handlers: [jobHandler(noteJob, async () => { started.open(); await finish.opened; settled = true; })],
    });
    await runner.start();
    await started.opened;
    await runner.stop(50);
    assert.equal(settled, false);
    assert.deepEqual(await jobRow(id), { state: 'running', attempts: 1, locked_by: runner.workerId, last_error: null },
      'still held: no other replica may start it while this one runs');
    finish.open();
    await waitFor(() => settled, 'the handler to return');
    assert.equal((await jobRow(id))?.locked_by, runner.workerId, 'a handler that returns after stop() reports nothing');
    // Once the lease runs out, another worker's reaper takes it back as from a dead worker.
    await db.sql`update jobs set locked_until = now() - interval '1 millisecond' where id = ${id}`;
    assert.deepEqual(await requeueExpiredLeases(db.sql), [id]);
  });

  test('a job that stops when aborted at the deadline is handed back at once, its attempt not counted', async () => {
    const id = (await enqueue(db.sql, noteJob, { n: 1 }))!;
    const started = gate();
    const runner = new JobRunner({
      sql: db.sql, log: testLogger, pollIntervalMs: 20, listen: false, abortGraceMs: 5_000,
      handlers: [jobHandler(noteJob, (_p, ctx) => new Promise<void>((_resolve, reject) => {
        started.open();
        ctx.signal.addEventListener('abort', () => setTimeout(() => reject(new Error('aborted')), 20));
      }))],
    });
    await runner.start();
    await started.opened;
    await runner.stop(50);
    assert.deepEqual(await jobRow(id), { state: 'queued', attempts: 0, locked_by: null, last_error: null });
  });
});
