import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { listBroadcasts } from '../../shared/dashboard/listBroadcasts.js';
import { readBroadcastProgress } from '../../shared/modules/broadcasts/broadcastProgress.js';
import { type TestDatabase, createTestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

test('the progress report and the dashboard count a broadcast\'s deliveries alike, a failure with no recorded reason as unknown', async () => {
  const { sql } = db;
  const [b] = await sql<{ id: number }[]>`
    insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
    values (1, 1, 'users', 'Hello all', 'running', now()) returning id`;
  const deliveries: [string, string | null][] = [
    ['pending', null], ['sending', null], ['sent', null], ['sent', null], ['unknown', null], ['cancelled', null],
    ['failed', 'blocked'], ['failed', 'blocked'], ['failed', null],
  ];
  for (const [i, [state, reason]] of deliveries.entries()) {
    await sql`insert into broadcast_deliveries (broadcast_id, chat_id, debug_code, state, failure_reason)
      values (${b!.id}, ${7000 + i}, ${`b${i}`}, ${state}, ${reason})`;
  }
  // A broadcast with no deliveries yet still counts (zeros), as it did with the left join.
  await sql`insert into broadcasts (admin_user_id, admin_chat_id, audience, state, started_at) values (1, 1, 'groups', 'running', now())`;

  const expected = { total: 9, pending: 1, sending: 1, sent: 2, failed: 3, unknown: 1, cancelled: 1, failures: { blocked: 2, unknown: 1 } };
  const progress = await readBroadcastProgress(sql, b!.id);
  assert.ok(progress);
  const { total, pending, sending, sent, failed, unknown, cancelled, failures } = progress;
  assert.deepEqual({ total, pending, sending, sent, failed, unknown, cancelled, failures }, expected);

  const [empty, listed] = await listBroadcasts(sql, 10);
  assert.equal(listed!.id, b!.id);
  assert.deepEqual({ total: listed!.total, pending: listed!.pending, sending: listed!.sending, sent: listed!.sent, failed: listed!.failed,
    unknown: listed!.unknown, cancelled: listed!.cancelled, failures: listed!.failures }, expected);
  assert.equal(empty!.total, 0);
  assert.deepEqual(empty!.failures, {});
});
