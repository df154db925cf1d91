import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { queueStats } from '../shared/queue/queueStats.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// `/healthz` reads the queue's figures on every probe: they must cost the same with a deep
// backlog as with an empty queue.

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
  // A backlog as a busy day leaves it: 3,000 jobs waiting behind 30 chat keys, 2,000 bulk sends
  // ready, 2,000 retries due in an hour, 1,500 dead jobs, 3 running.
  await db.sql`insert into jobs (type, payload, priority, serial_key) select 'note', '{}', 0, 'chat:' || (g % 30) from generate_series(1, 3000) g`;
  await db.sql`insert into jobs (type, payload, priority, run_at) select 'note', '{}', 100, now() - interval '90 seconds' from generate_series(1, 2000) g`;
  await db.sql`insert into jobs (type, payload, priority, run_at) select 'note', '{}', 20, now() + interval '1 hour' from generate_series(1, 2000) g`;
  await db.sql`insert into jobs (type, payload, state, failed_at) select 'note', '{}', 'failed', now() from generate_series(1, 1500) g`;
  await db.sql`insert into jobs (type, payload, state, locked_by, locked_until) select 'note', '{}', 'running', 'w1', now() + interval '30 seconds' from generate_series(1, 3) g`;
  await db.sql`analyze jobs`;
});
after(async () => { await db.drop(); });

test('the health figures count ready and dead jobs up to 1,000 and report the oldest ready job\'s wait', async () => {
  const capped = await queueStats(db.sql);
  assert.deepEqual({ ...capped, lagSeconds: Math.round(capped.lagSeconds / 30) * 30 }, { ready: 1000, running: 3, failed: 1000, lagSeconds: 90 });
  const exact = await queueStats(db.sql, 100_000);
  assert.deepEqual({ ready: exact.ready, failed: exact.failed }, { ready: 2030, failed: 1500 },
    'with a higher limit the counts are exact: 30 chat heads and 2,000 bulk sends are ready');
});

test('a health probe reads a bounded number of rows, not the whole jobs table', async () => {
  const read = await db.sql.begin(async (tx) => {
    // The view also shows counts this connection has not yet flushed, so take the difference.
    const rowsRead = async () => (await tx<{ rows: number }[]>`
      select (coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0))::int as rows from pg_stat_xact_user_tables where relname = 'jobs'`)[0]?.rows ?? 0;
    const before = await rowsRead();
    await queueStats(tx);
    return (await rowsRead()) - before;
  });
  // 1,000 ready + 1,000 dead + 3 running + a row per priority for the lag; the table holds 8,503.
  assert.ok(read <= 2_100, `one probe read ${read} rows of jobs`);
});
