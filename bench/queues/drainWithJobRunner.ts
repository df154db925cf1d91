import * as z from 'zod';
import { createSql, type Sql } from '../../shared/db/createSql.js';
import { defineJob } from '../../shared/queue/defineJob.js';
import { jobHandler } from '../../shared/queue/jobHandler.js';
import { JobRunner } from '../../worker/jobRunner.js';
import { silentLogger } from '../silentLogger.js';
import { waitFor } from '../waitFor.js';
import { type DrainResult, drainResult } from './drainResult.js';

/** The no-op job every throughput run drains. */
export const noopJob = defineJob('noop', z.object({ n: z.number().int() }));

/** Options for {@link drainWithJobRunner}. */
export interface JobRunnerDrainOptions {
  jobs: number;
  concurrency: number;
  /** JobRunner's `prefetch` (WORKER_PREFETCH): jobs claimed ahead of free slots. Default 0. */
  prefetch?: number;
  /** Spread the jobs over this many serialization keys (`chat:<n>`); none when absent. */
  serialKeys?: number;
  /**
   * Diagnostic only: the worker's connections commit without waiting for the WAL flush
   * (`synchronous_commit=off` as a startup parameter), to show what the flushes cost.
   */
  asyncCommit?: boolean;
  timeoutMs: number;
}

/**
 * Seeds `jobs` no-op jobs into our `jobs` table in one statement (not timed), then drains them
 * with our JobRunner on its own 10-connection pool (the worker's DATABASE_POOL_MAX default).
 */
export async function drainWithJobRunner(url: string, seedSql: Sql, options: JobRunnerDrainOptions): Promise<DrainResult> {
  const keys = options.serialKeys;
  await seedSql`
    insert into jobs (type, payload, serial_key)
    select 'noop', jsonb_build_object('n', g), ${keys ? seedSql`'chat:' || (g % ${keys})` : null}
    from generate_series(1, ${options.jobs}) g`;
  // Production has autovacuum; this server runs without it, so give the planner its statistics.
  await seedSql`vacuum analyze jobs`;
  await seedSql`checkpoint`; // so that no checkpoint lands inside the timed drain

  const workerUrl = new URL(url);
  if (options.asyncCommit) workerUrl.searchParams.set('synchronous_commit', 'off');
  const sql = createSql(workerUrl.toString(), { max: 10, applicationName: 'bench-worker' });
  let handled = 0;
  let firstStart = 0;
  const runner = new JobRunner({
    sql,
    log: silentLogger,
    concurrency: options.concurrency,
    prefetch: options.prefetch ?? 0,
    handlers: [jobHandler(noopJob, async () => {
      if (handled++ === 0) firstStart = performance.now();
    })],
  });
  try {
    await runner.start();
    await waitFor('our runner to run every job', () => handled >= options.jobs, options.timeoutMs);
    await waitFor('our jobs table to empty', async () => (await seedSql`select 1 from jobs limit 1`).length === 0, options.timeoutMs, 2);
    return drainResult(options.jobs, performance.now() - firstStart);
  } finally {
    await runner.stop(5000);
    await sql.end({ timeout: 2 });
  }
}
