import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startBroadcast } from '../../shared/modules/broadcasts/startBroadcast.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

// Planning a broadcast, called directly: the rows and codes startBroadcast writes.

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** A confirmed draft to active groups, and `count` active groups. */
async function draftToGroups(count: number): Promise<{ id: number; adminId: number }> {
  const adminId = 7_000_000 + Math.floor(Math.random() * 1_000_000);
  await db.sql`insert into users (id, first_name, is_admin) values (${adminId}, 'Operator', true)`;
  await db.sql`update groups set active = false`;
  for (let i = 0; i < count; i++) {
    await db.sql`insert into groups (chat_id, title, type, bot_status, admin_user_id, registered_at, active)
      values (${-1_000_000_000_000 - adminId * 100 - i}, ${`Group ${i}`}, 'supergroup', 'administrator', ${adminId}, now(), true)`;
  }
  const [b] = await db.sql<{ id: number }[]>`
    insert into broadcasts (admin_user_id, admin_chat_id, audience, text) values (${adminId}, ${adminId}, 'groups', 'Hi') returning id`;
  return { id: b!.id, adminId };
}

test('debug codes stay unique past delivery id 1,048,575 (five hex digits)', async () => {
  // Ids around 16^5: to_hex gives six digits from 1,048,576 on, and 65,536 (0x10000) had the
  // code that 1,048,576 (0x100000) would get if the code were cut to five.
  await db.sql`alter table broadcast_deliveries alter column id restart with 65530`;
  const early = await draftToGroups(12);
  assert.equal(await startBroadcast(db.sql, early.id, early.adminId, 1), 12);
  await db.sql`alter table broadcast_deliveries alter column id restart with 1048570`;
  const late = await draftToGroups(20);
  assert.equal(await startBroadcast(db.sql, late.id, late.adminId, 1), 20);

  const rows = await db.sql<{ id: number; debug_code: string }[]>`select id, debug_code from broadcast_deliveries order by id`;
  assert.equal(new Set(rows.map((r) => r.debug_code)).size, rows.length, 'every delivery has its own code');
  assert.deepEqual(rows.filter((r) => [65536, 1048575, 1048576].includes(Number(r.id))).map((r) => r.debug_code), ['b10000', 'bfffff', 'b100000']);
  for (const r of rows) assert.equal(Number.parseInt(r.debug_code.slice(1), 16), Number(r.id), `${r.debug_code} reads back as its delivery id`);
});

test('a broadcast with nobody to send to is finished by the statement that plans it, with no jobs', async () => {
  const empty = await draftToGroups(0);
  assert.equal(await startBroadcast(db.sql, empty.id, empty.adminId, 1), 0);
  const [row] = await db.sql<{ state: string; finished: boolean }[]>`select state, finished_at is not null as finished from broadcasts where id = ${empty.id}`;
  assert.deepEqual({ ...row }, { state: 'finished', finished: true });
  assert.equal((await db.sql`select 1 from jobs where payload->>'broadcastId' = ${String(empty.id)}`).length, 0);
});
