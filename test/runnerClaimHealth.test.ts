import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import * as z from 'zod';
import { type Sql, createSql } from '../shared/db/createSql.js';
import { Metric } from '../shared/metrics/metricNames.js';
import { readMetricTotals } from '../shared/metrics/readMetricTotals.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { jobHandler } from '../shared/queue/jobHandler.js';
import { createHealthHandler } from '../worker/createHealthHandler.js';
import { JobRunner } from '../worker/jobRunner.js';
import { assertLoggedAsStreak, captureLogs } from './support/captureLogs.js';
import { probeHealth } from './support/probeHealth.js';
import { createTestDatabase, hasServer, type TestDatabase } from './support/testDatabase.js';
import { waitFor } from './support/waitFor.js';

// A worker whose claim keeps failing runs nothing, the alert check included (it is a job too):
// before, it logged a stack trace a second and its /healthz said 200. The claims fail here in
// the real database, the two ways production meets it: a permission taken away from the
// worker's role, and a migration that makes the claim's update fail.

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** A way the claim fails: `sql` is the worker's pool; `break` makes its claims fail, `repair` undoes it. */
interface Cause {
  name: string;
  skip: string | false;
  /** The failure's reason as the metric and /healthz name it (error name and SQLSTATE). */
  reason: string;
  /** The lease reaper's update fails too (same interval): logged the same way. */
  reaperFails: boolean;
  open(): Promise<{ sql: Sql; break(): Promise<void>; repair(): Promise<void>; close(): Promise<void> }>;
}

const causes: Cause[] = [
  {
    name: 'update on jobs revoked from the worker\'s role',
    // Roles are the server's; the embedded database runs everything as its superuser.
    skip: hasServer ? false : 'needs a PostgreSQL server for roles and grants: set TEST_DATABASE_URL (CI does)',
    reason: 'PostgresError_42501',
    reaperFails: true,
    async open() {
      const role = `growthbot_worker_${randomBytes(4).toString('hex')}`;
      // As the tables' owner is: row level security (on for every table) does not restrict it.
      await db.sql.unsafe(`create role ${role} login bypassrls`);
      await db.sql.unsafe(`grant select, insert, update, delete on all tables in schema public to ${role}; grant usage on all sequences in schema public to ${role}`);
      const url = new URL(db.url);
      url.username = role;
      const sql = createSql(url.toString(), { max: 4 });
      return {
        sql,
        break: async () => { await db.sql.unsafe(`revoke update on jobs from ${role}`); },
        repair: async () => { await db.sql.unsafe(`grant update on jobs to ${role}`); },
        async close() {
          await sql.end({ timeout: 1 });
          await db.sql.unsafe(`drop owned by ${role}; drop role ${role}`);
        },
      };
    },
  },
  {
    name: 'a migration whose constraint refuses the claim\'s update',
    skip: false,
    reason: 'PostgresError_23514',
    // It writes 'queued', which the constraint allows.
    reaperFails: false,
    async open() {
      return {
        sql: db.sql,
        // `not valid`: the rows already there are not checked, every row an update writes is.
        break: async () => { await db.sql`alter table jobs add constraint test_no_claims check (state <> 'running') not valid`; },
        repair: async () => { await db.sql`alter table jobs drop constraint test_no_claims`; },
        async close() {},
      };
    },
  },
];

describe('a worker whose claims keep failing', () => {
  for (const cause of causes) {
    test(`${cause.name}: /healthz answers 503 with the reason once claims have failed past the limit, and 200 again after one succeeds; the log has one stack trace, then a line per failure, and one line at recovery`, { skip: cause.skip }, async () => {
      await db.sql`truncate jobs, metric_minutes`;
      const worker = await cause.open();
      const logs = captureLogs();
      const ran: number[] = [];
      const runner = new JobRunner({
        sql: worker.sql, log: logs.log, listen: false, pollIntervalMs: 20, claimFailureMs: 300,
        handlers: [jobHandler(noteJob, async ({ n }) => { ran.push(n); })],
      });
      // What worker/main.ts serves, on the worker's own pool.
      const health = createHealthHandler({ sql: worker.sql, inFlight: () => runner.inFlight, claims: () => runner.claimHealth() });
      await runner.start();
      try {
        await enqueue(db.sql, noteJob, { n: 1 });
        await waitFor('the first job to finish', () => ran.includes(1), { on: [runner, 'completed'] });
        const fine = await probeHealth(health);
        assert.equal(fine.status, 200);
        assert.equal(fine.body.claims?.state, 'ok');
        assert.ok(fine.body.claims?.last_success_at, 'the last successful claim is reported');

        const from = new Date(Date.now() - 120_000);
        await worker.break();
        // Waiting work: a constraint refuses only rows the claim writes.
        await enqueue(db.sql, noteJob, { n: 2 });
        await waitFor('the line saying claims failed past the limit', () => logs.find('claims keep failing').length > 0, { on: [logs.events, 'line'] });
        const down = await probeHealth(health);
        assert.equal(down.status, 503);
        assert.equal(down.body.ok, false);
        assert.equal(down.body.database, 'up', 'the database answers the probe: it is the claim that fails');
        assert.equal(down.body.claims?.healthy, false);
        assert.equal(down.body.claims?.state, 'failing');
        assert.equal(down.body.claims?.last_error, cause.reason);
        assert.ok(down.body.claims!.consecutive_failures >= 2, `failures counted: ${down.body.claims?.consecutive_failures}`);
        assert.ok(down.body.claims!.failing_for_ms >= 300);
        assert.deepEqual(ran, [1], 'nothing ran meanwhile');

        await worker.repair();
        // Its row gone: its completion, and the metrics riding it, committed.
        await waitFor('the waiting job to run once claims work again', async () => ran.includes(2) && (await db.sql`select 1 from jobs limit 1`).length === 0, { on: [runner, 'completed'] });
        const up = await probeHealth(health);
        assert.equal(up.status, 200);
        assert.equal(up.body.ok, true);
        assert.deepEqual({ state: up.body.claims?.state, consecutive_failures: up.body.claims?.consecutive_failures }, { state: 'ok', consecutive_failures: 0 });

        const failures = logs.lines.filter((l) => l.msg.startsWith('claiming jobs failed'));
        assert.ok(failures.length >= 2);
        const [first, ...rest] = failures;
        assert.equal(first!.level, 50, 'the first failure at error level');
        assert.match(String((first!.err as { stack?: string }).stack), /PostgresError/, 'with its stack trace');
        assert.deepEqual(rest.map((l) => l.consecutive_failures), rest.map((_, i) => i + 2), 'then one line per failure, counted');
        assert.ok(rest.every((l) => l.level === 40 && l.err === undefined && l.reason === cause.reason), 'warnings without a stack trace');
        assert.equal(logs.find('claims keep failing').length, 1, 'the limit is logged once');
        const recovered = logs.find('claims recovered');
        assert.equal(recovered.length, 1);
        assert.equal(recovered[0]!.failures, failures.length);

        if (cause.reaperFails) {
          await waitFor('the reaper to work again', () => logs.find('requeueing expired leases works again').length > 0, { on: [logs.events, 'line'] });
          assertLoggedAsStreak(logs.lines, 'could not requeue expired leases', 'could not requeue expired leases, again', 'requeueing expired leases works again');
        }

        // The failures ride the next statement the worker sends anyway: the second job's completion.
        const totals = await readMetricTotals(db.sql, { metric: Metric.claimError, from, to: new Date(Date.now() + 120_000) });
        assert.deepEqual(totals.map((t) => ({ label: t.label, count: t.count })), [{ label: cause.reason, count: failures.length }]);
      } finally {
        await worker.repair().catch(() => {});
        await runner.stop(1000);
        await worker.close();
      }
    });
  }
});
