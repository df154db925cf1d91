import { Logger, makeWorkerUtils, run } from 'graphile-worker';
import type { Sql } from '../../shared/db/createSql.js';
import { waitFor } from '../waitFor.js';
import { type DrainResult, drainResult } from './drainResult.js';

/** Options for {@link drainWithGraphileWorker}. */
export interface GraphileDrainOptions {
  jobs: number;
  concurrency: number;
  /** graphile-worker's batching: `localQueue.size` 500 and `completeJobBatchDelay` 0. */
  batched: boolean;
  timeoutMs: number;
}

// graphile-worker logs a line per completed job at info level; ours runs silent too.
const quiet = new Logger(() => () => {});

/**
 * Seeds `jobs` no-op jobs with graphile-worker's own `add_job` (not timed), then drains them
 * with graphile-worker in its default mode or with local-queue batching, on its default
 * 10-connection pool, LISTEN/NOTIFY on.
 */
export async function drainWithGraphileWorker(url: string, seedSql: Sql, options: GraphileDrainOptions): Promise<DrainResult> {
  const utils = await makeWorkerUtils({ connectionString: url, logger: quiet });
  try {
    await utils.migrate();
  } finally {
    await utils.release();
  }
  // add_jobs in one call: add_job once per row takes minutes for 20,000 jobs here.
  await seedSql`
    select count(*) from graphile_worker.add_jobs(array(
      select row('noop', json_build_object('n', g), null, null, null, null, null, null)::graphile_worker.job_spec
      from generate_series(1, ${options.jobs}) g))`;
  await seedSql`vacuum analyze graphile_worker._private_jobs`;
  await seedSql`checkpoint`; // so that no checkpoint lands inside the timed drain

  let handled = 0;
  let firstStart = 0;
  const runner = await run({
    connectionString: url,
    concurrency: options.concurrency,
    logger: quiet,
    noHandleSignals: true,
    taskList: {
      noop: async () => {
        if (handled++ === 0) firstStart = performance.now();
      },
    },
    preset: options.batched ? { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0 } } : {},
  });
  try {
    await waitFor('graphile-worker to run every job', () => handled >= options.jobs, options.timeoutMs);
    await waitFor('graphile-worker\'s jobs table to empty', async () =>
      (await seedSql`select 1 from graphile_worker._private_jobs limit 1`).length === 0, options.timeoutMs, 2);
    return drainResult(options.jobs, performance.now() - firstStart);
  } finally {
    await runner.stop();
    // Leave the next system a clean schema: its tables are not ours to measure against.
    await seedSql`drop schema graphile_worker cascade`;
  }
}
