import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { lockWaits } from '../support/lockWaits.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

// users.unlimited_points as the database derives it from groups (the groups_derive_unlimited_points
// trigger), written to directly as any code path would.

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let n = 0;
async function adminWithGroups(count: number): Promise<{ userId: number; chatIds: number[] }> {
  const userId = 8_000_000 + ++n;
  await db.sql`insert into users (id, first_name) values (${userId}, 'Admin')`;
  const chatIds = Array.from({ length: count }, (_, i) => -1_000_000_000_000 - n * 10 - i);
  for (const chatId of chatIds) {
    await db.sql`insert into groups (chat_id, title, type, bot_status, admin_user_id, registered_at) values (${chatId}, 'G', 'supergroup', 'administrator', ${userId}, now())`;
  }
  return { userId, chatIds };
}
const unlimited = async (userId: number) => (await db.sql<{ u: boolean }[]>`select unlimited_points as u from users where id = ${userId}`)[0]!.u;

test('follows every change to the groups: activation, deactivation, relinking, deletion', async () => {
  const { userId, chatIds: [a, b] } = await adminWithGroups(2);
  assert.equal(await unlimited(userId), false);
  await db.sql`update groups set active = true where chat_id = ${a!}`;
  assert.equal(await unlimited(userId), true);
  await db.sql`update groups set active = true where chat_id = ${b!}`;
  await db.sql`update groups set active = false where chat_id = ${a!}`;
  assert.equal(await unlimited(userId), true, 'the second active group keeps them');
  await db.sql`delete from groups where chat_id = ${b!}`;
  assert.equal(await unlimited(userId), false);
  const other = await adminWithGroups(0);
  await db.sql`update groups set active = true where chat_id = ${a!}`;
  await db.sql`update groups set admin_user_id = ${other.userId} where chat_id = ${a!}`;
  assert.deepEqual([await unlimited(userId), await unlimited(other.userId)], [false, true], 'relinked: the old admin loses them, the new one has them');
});

test('two transactions deactivating an admin\'s two groups at once leave them without unlimited points', { skip: needsServer }, async () => {
  const { userId, chatIds: [a, b] } = await adminWithGroups(2);
  await db.sql`update groups set active = true where chat_id in ${db.sql([a!, b!])}`;
  assert.equal(await unlimited(userId), true);
  // Each alone still sees the other group active; the trigger's lock on the user row makes the
  // second recount after the first committed.
  let releaseFirst!: () => void;
  const firstHolds = new Promise<void>((r) => { releaseFirst = r; });
  let firstUpdated!: () => void;
  const firstDone = new Promise<void>((r) => { firstUpdated = r; });
  const first = db.sql.begin(async (tx) => {
    await tx`update groups set active = false where chat_id = ${a!}`;
    firstUpdated();
    await firstHolds;
  });
  await firstDone;
  const second = db.sql.begin(async (tx) => { await tx`update groups set active = false where chat_id = ${b!}`; });
  // Once the second waits for a lock (the user row the first holds), the first commits.
  // Without that lock the second never waits, and this times out: the test fails either way.
  await lockWaits(db.sql, 1).finally(releaseFirst);
  await Promise.all([first, second]);
  assert.equal(await unlimited(userId), false);
});
