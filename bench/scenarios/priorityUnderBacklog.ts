import * as z from 'zod';
import { createSql } from '../../shared/db/createSql.js';
import { defineJob } from '../../shared/queue/defineJob.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { JobPriority } from '../../shared/queue/priority.js';
import { jobHandler } from '../../shared/queue/jobHandler.js';
import { JobRunner } from '../../worker/jobRunner.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { checkGoal, type Scenario } from '../scenarioResult.js';
import { silentLogger } from '../silentLogger.js';
import { sleep } from '../sleep.js';
import { waitFor } from '../waitFor.js';

const BULK_JOBS = 10_000;
/** A bulk job's work: about one Telegram sendMessage round trip from a cloud region. */
const BULK_JOB_MS = 50;
const INTERACTIVE_JOBS = 100;
const INTERACTIVE_GAP_MS = 20;

const bulkJob = defineJob('bulk_send', z.object({ n: z.number().int() }), { priority: JobPriority.bulk });
const interactiveJob = defineJob('interactive', z.object({ n: z.number().int() }), { priority: JobPriority.interactive });

/** Scenario 4: interactive jobs arriving behind 10,000 waiting bulk jobs. */
export const priorityUnderBacklog: Scenario = {
  name: 'priority-backlog',
  title: 'Priority under backlog',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'priority');
    await db.sql`
      insert into jobs (type, payload, priority)
      select 'bulk_send', jsonb_build_object('n', g), ${JobPriority.bulk} from generate_series(1, ${BULK_JOBS}) g`;
    await db.sql`vacuum analyze jobs`;
    const producer = createSql(db.url, { max: 2, applicationName: 'bench-producer' });
    const workerSql = createSql(db.url, { max: 10, applicationName: 'bench-worker' });
    const started = new Map<number, number>();
    let bulkDone = 0;
    const runner = new JobRunner({
      sql: workerSql,
      log: silentLogger,
      handlers: [
        jobHandler(bulkJob, async () => { await sleep(BULK_JOB_MS); bulkDone++; }),
        jobHandler(interactiveJob, async ({ n }) => { started.set(n, performance.now()); }),
      ],
    });
    const enqueuedAt: number[] = [];
    let load: string | undefined;
    let bulkWaiting: number | undefined;
    try {
      await runner.start();
      // Let the bulk work get going: every slot busy, the backlog draining.
      await sleep(1000);
      load = machineLoad();
      progress(`${bulkDone} bulk jobs done; enqueueing ${INTERACTIVE_JOBS} interactive jobs`);
      for (let n = 0; n < INTERACTIVE_JOBS; n++) {
        enqueuedAt[n] = performance.now();
        await enqueue(producer, interactiveJob, { n }, { serialKey: `chat:${n}` });
        await sleep(INTERACTIVE_GAP_MS);
      }
      await waitFor('every interactive job to start', () => started.size === INTERACTIVE_JOBS, 30_000);
      const [row] = await db.sql<{ waiting: number }[]>`
        select count(*)::int as waiting from jobs where type = 'bulk_send' and state = 'queued'`;
      bulkWaiting = row!.waiting;
    } finally {
      await runner.stop(5000);
      await workerSql.end({ timeout: 1 });
      await producer.end({ timeout: 1 });
      await db.drop();
    }
    // Without a backlog still waiting at the end, the scenario measured nothing.
    if (!bulkWaiting) throw new Error('the bulk backlog ran out before the interactive jobs were done; raise BULK_JOBS');
    const wait = summarize(enqueuedAt.map((t, n) => started.get(n)! - t));
    return {
      scenario: this.name,
      rows: [{
        subject: `interactive jobs behind ${BULK_JOBS.toLocaleString('en-US')} bulk jobs`,
        values: { p50_ms: wait.p50, p99_ms: wait.p99, max_ms: wait.max, jobs: wait.count, bulk_still_waiting: bulkWaiting },
      }],
      goals: [checkGoal('p99 wait of interactive jobs', wait.p99, '<=', 1000, 'ms')],
      notes: [
        `${BULK_JOBS.toLocaleString('en-US')} bulk jobs (priority ${JobPriority.bulk}, ${BULK_JOB_MS} ms each) queued before the worker starts (JobRunner defaults: concurrency 16, LISTEN on); after 1 s, ${INTERACTIVE_JOBS} interactive jobs (priority ${JobPriority.interactive}, each its own chat key) one every ${INTERACTIVE_GAP_MS} ms; wait from before the insert to the handler's start; load average ${load}`,
      ],
    };
  },
};
