import { TelegramEmulator } from '../../emulator/telegram/index.js';
import type { Sql } from '../../shared/db/createSql.js';
import { JobPriority } from '../../shared/queue/priority.js';
import { buildDist } from '../buildDist.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { startCommandUpdate } from '../sampleUpdate.js';
import { checkGoal, type Scenario, type ScenarioResult } from '../scenarioResult.js';
import { sleep } from '../sleep.js';
import { spawnWorker, workerNodeArgs } from '../spawnWorker.js';
import { waitFor } from '../waitFor.js';

const JOBS = 10_000;

/** Committed transactions in `database` so far: each one waits for a WAL flush here. */
async function commits(sql: Sql, database: string): Promise<number> {
  const [row] = await sql<{ n: number }[]>`select xact_commit::int8 as n from pg_stat_database where datname = ${database}`;
  return row!.n;
}

/**
 * Scenario 7: peak RSS of the compiled worker process draining 10,000 real `/start` updates
 * (the bot runs each: registration, the welcome with its keyboard, a Bot API call to the
 * Telegram emulator), with the worker's defaults (concurrency 16, pool 10, info logging).
 */
export const workerMemory: Scenario = {
  name: 'worker-memory',
  title: `Worker peak RSS draining ${JOBS.toLocaleString('en-US')} jobs`,
  async run({ serverUrl, progress }): Promise<ScenarioResult> {
    const nodeArgs = workerNodeArgs();
    progress('building dist/ (npm run build)');
    await buildDist();
    const db = await freshDatabase(serverUrl, 'memory');
    const telegram = await TelegramEmulator.start();
    const users = Array.from({ length: JOBS }, (_, i) => telegram.createUser({ first_name: `User ${i}`, language_code: 'en' }));
    const worker = spawnWorker({ DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot }, nodeArgs);
    try {
      await waitFor('the worker to call getMe', () => telegram.callsTo('getMe').length > 0, 30_000);
      await sleep(1000); // LISTEN set up, maintenance pass done: the worker is idle
      const idleMb = await worker.rssMb();
      const load = machineLoad();
      // The backlog arrives at once, as after a burst or an outage: one insert, one NOTIFY.
      const updates = users.map((u, i) => startCommandUpdate(i + 1, u.id));
      await db.sql`
        insert into jobs (type, payload, priority, serial_key)
        select 'telegram_update', u, ${JobPriority.interactive}, 'chat:' || (u->'message'->'chat'->>'id')
        from jsonb_array_elements(${JSON.stringify(updates)}::text::jsonb) u`;
      const commitsBefore = await commits(db.sql, db.name);
      const started = performance.now();
      progress(`draining ${JOBS} jobs; idle RSS ${idleMb.toFixed(0)} MB`);
      await waitFor('the worker to drain the backlog', async () =>
        (await db.sql`select 1 from jobs where state <> 'failed' limit 1`).length === 0, 300_000, 100);
      const drainMs = performance.now() - started;
      const peakMb = await worker.peakRssMb();
      await sleep(1500); // backends publish their statistics about once a second
      const commitsPerJob = ((await commits(db.sql, db.name)) - commitsBefore) / JOBS;
      const [failed] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs where state = 'failed'`;
      const replies = telegram.callsTo('sendMessage').length;
      return {
        scenario: this.name,
        rows: [{
          subject: `dist/worker/main.js${nodeArgs.length ? ` (${nodeArgs.join(' ')})` : ''}, real /start updates`,
          values: {
            peak_rss_mb: peakMb, idle_rss_mb: idleMb, drain_ms: drainMs, jobs_per_s: (JOBS * 1000) / drainMs,
            replies, failed_jobs: failed!.n, commits_per_job: commitsPerJob,
          },
        }],
        goals: [checkGoal('worker peak RSS', peakMb, '<=', 150, 'MB')],
        notes: [
          `the compiled worker in its own process with its defaults, the Telegram emulator as Bot API (in the bench process); ${JOBS.toLocaleString('en-US')} /start updates from distinct users inserted at once once the worker idles; peak RSS is the kernel's VmHWM for the worker process; commits per job from pg_stat_database (every transaction in the database while draining, queue statements included, divided by the jobs); load average ${load}`,
        ],
      };
    } finally {
      await worker.stop();
      await telegram.close();
      await db.drop();
    }
  },
};
