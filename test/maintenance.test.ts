import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { runMaintenance } from '../worker/maintenance.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

test('seen update ids are kept 7 days, then deleted; expired sessions are deleted', async () => {
  await db.sql`
    insert into processed_webhooks (update_id, received_at) values
      (1, now() - interval '8 days'), (2, now() - interval '6 days 23 hours'), (3, now())`;
  await db.sql`
    insert into sessions (key, value, expires_at) values
      ('old', '{}', now() - interval '1 minute'), ('live', '{}', now() + interval '1 hour'), ('forever', '{}', null)`;
  const result = await runMaintenance(db.sql, 1);
  assert.deepEqual(result, { seenUpdatesDeleted: 1, sessionsDeleted: 1 });
  const seen = await db.sql<{ update_id: number }[]>`select update_id from processed_webhooks order by 1`;
  assert.deepEqual(seen.map((r) => r.update_id), [2, 3]);
  const sessions = await db.sql<{ key: string }[]>`select key from sessions order by 1`;
  assert.deepEqual(sessions.map((r) => r.key), ['forever', 'live']);
});
