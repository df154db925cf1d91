// A worker process for the crash tests: runs 'note' jobs, each taking NOTE_SLEEP_MS, then
// recording its completion in note_done. Prints what its runner does, one line each, for the
// test to wait on: `started <n>`, `idle <epoch ms>` (a claim found nothing), `completed <ids>`.
import * as z from 'zod';
import { createSql } from '../../shared/db/createSql.js';
import { defineJob } from '../../shared/queue/defineJob.js';
import { createLogger } from '../../shared/logger.js';
import { jobHandler } from '../../shared/queue/jobHandler.js';
import { JobRunner } from '../../worker/jobRunner.js';

export const noteJob = defineJob('note', z.object({ n: z.number().int() }));

const sql = createSql(process.env.DATABASE_URL!, { max: 4 });
const sleepMs = Number(process.env.NOTE_SLEEP_MS ?? 0);
const workerId = process.env.WORKER_ID!;
const runner = new JobRunner({
  sql,
  log: createLogger({ level: 'silent' }),
  workerId,
  concurrency: Number(process.env.CONCURRENCY ?? 10),
  leaseMs: Number(process.env.LEASE_MS ?? 1000),
  pollIntervalMs: 50,
  listen: false,
  handlers: [jobHandler(noteJob, async ({ n }) => {
    process.stdout.write(`started ${n}\n`);
    await new Promise((r) => setTimeout(r, sleepMs));
    await sql`insert into note_done (n, worker) values (${n}, ${workerId})`;
  })],
});
runner.on('idle', () => process.stdout.write(`idle ${Date.now()}\n`));
runner.on('completed', (ids) => process.stdout.write(`completed ${ids.join(',')}\n`));
await runner.start();
process.on('SIGTERM', () => void runner.stop(5000).then(() => sql.end()).then(() => process.exit(0)));
