import * as z from 'zod';
import { createSql } from '../../shared/db/createSql.js';
import { defineJob } from '../../shared/queue/defineJob.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { jobHandler } from '../../shared/queue/jobHandler.js';
import { JobRunner } from '../../worker/jobRunner.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { checkGoal, type GoalCheck, type ResultRow, type Scenario } from '../scenarioResult.js';
import { silentLogger } from '../silentLogger.js';
import { sleep } from '../sleep.js';
import { waitFor } from '../waitFor.js';

const pingJob = defineJob('ping', z.object({ n: z.number().int() }));
/** The worker's default JOB_POLL_INTERVAL_MS. */
const POLL_INTERVAL_MS = 1000;

const MODES = [
  // One job every 20 ms: a steady trickle, each job alone in the queue when it arrives.
  { subject: 'with LISTEN/NOTIFY', listen: true, jobs: 200, gapMs: () => 20 },
  // Random gaps so that arrivals fall at every phase of the poll timer.
  { subject: `polling only (every ${POLL_INTERVAL_MS} ms)`, listen: false, jobs: 40, gapMs: () => Math.random() * 300 },
];

/** Scenario 3: time from `enqueue()` to the handler starting, with and without LISTEN. */
export const enqueueLatency: Scenario = {
  name: 'enqueue-latency',
  title: 'Enqueue-to-start latency',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'latency');
    // The producer is another service (the webhook, a feature): its own pool.
    const producer = createSql(db.url, { max: 2, applicationName: 'bench-producer' });
    const rows: ResultRow[] = [];
    const goals: GoalCheck[] = [];
    const loads: string[] = [];
    try {
      for (const mode of MODES) {
        progress(mode.subject);
        const started = new Map<number, number>();
        const workerSql = createSql(db.url, { max: 10, applicationName: 'bench-worker' });
        const runner = new JobRunner({
          sql: workerSql,
          log: silentLogger,
          listen: mode.listen,
          pollIntervalMs: POLL_INTERVAL_MS,
          handlers: [jobHandler(pingJob, async ({ n }) => { started.set(n, performance.now()); })],
        });
        const enqueuedAt: number[] = [];
        try {
          await runner.start();
          await sleep(200);
          loads.push(machineLoad());
          for (let n = 0; n < mode.jobs; n++) {
            // Measured from before the insert: its own round trip is part of the latency.
            enqueuedAt[n] = performance.now();
            await enqueue(producer, pingJob, { n });
            await sleep(mode.gapMs());
          }
          await waitFor('every ping job to start', () => started.size === mode.jobs, 10_000);
        } finally {
          await runner.stop(2000);
          await workerSql.end({ timeout: 1 });
        }
        const latency = summarize(enqueuedAt.map((t, n) => started.get(n)! - t));
        rows.push({ subject: mode.subject, values: { p50_ms: latency.p50, p99_ms: latency.p99, max_ms: latency.max, jobs: latency.count } });
        if (mode.listen) goals.push(checkGoal('p50 with LISTEN', latency.p50, '<=', 5, 'ms'));
        else goals.push(checkGoal('p99 polling only (≤ the poll interval)', latency.p99, '<=', POLL_INTERVAL_MS, 'ms'));
      }
    } finally {
      await producer.end({ timeout: 1 });
      await db.drop();
    }
    return {
      scenario: this.name,
      rows,
      goals,
      notes: [
        `jobs enqueued one at a time with shared/queue/enqueue.ts from a separate pool, into an otherwise empty queue; latency from just before the insert to the handler's first line, one clock (same process); JobRunner defaults (concurrency 16, poll ${POLL_INTERVAL_MS} ms); load average: ${loads.join(', ')}`,
      ],
    };
  },
};
