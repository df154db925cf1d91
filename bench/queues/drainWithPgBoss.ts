import { PgBoss } from 'pg-boss';
import type { Sql } from '../../shared/db/createSql.js';
import { waitFor } from '../waitFor.js';
import { type DrainResult, drainResult } from './drainResult.js';

/** Options for {@link drainWithPgBoss}. */
export interface PgBossDrainOptions {
  jobs: number;
  /** Jobs fetched, handled and completed together by one `work()` call. */
  batchSize: number;
  timeoutMs: number;
}

/**
 * Seeds `jobs` no-op jobs with `boss.insert` (not timed), then drains them with one pg-boss
 * worker fetching `batchSize` at a time, fetching again at once while batches come back full
 * (`burstWhenBatchFull`), on a 10-connection pool.
 */
export async function drainWithPgBoss(url: string, seedSql: Sql, options: PgBossDrainOptions): Promise<DrainResult> {
  const boss = new PgBoss({ connectionString: url, max: 10, supervise: false, schedule: false });
  let error: unknown;
  boss.on('error', (err) => { error = err; });
  await boss.start();
  try {
    await boss.createQueue('noop');
    for (let i = 0; i < options.jobs; i += 5000) {
      await boss.insert('noop', Array.from({ length: Math.min(5000, options.jobs - i) }, (_, k) => ({ data: { n: i + k } })));
    }
    await seedSql`vacuum analyze pgboss.job`;
    await seedSql`checkpoint`; // so that no checkpoint lands inside the timed drain

    let handled = 0;
    let firstStart = 0;
    await boss.work('noop', { batchSize: options.batchSize, burstWhenBatchFull: true, pollingIntervalSeconds: 0.5 }, async (jobs) => {
      if (handled === 0) firstStart = performance.now();
      handled += jobs.length;
    });
    const live = async () => (await seedSql`
      select 1 from pgboss.job where name = 'noop' and state in ('created', 'retry', 'active') limit 1`).length;
    await waitFor('pg-boss to run every job', () => {
      if (error) throw error;
      return handled >= options.jobs;
    }, options.timeoutMs);
    await waitFor('pg-boss to complete every job', async () => (await live()) === 0, options.timeoutMs, 2);
    return drainResult(options.jobs, performance.now() - firstStart);
  } finally {
    await boss.stop({ graceful: true, timeout: 5000 });
    await seedSql`drop schema pgboss cascade`;
  }
}
