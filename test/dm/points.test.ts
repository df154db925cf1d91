import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { changePoints } from '../../shared/modules/points/changePoints.js';
import { grantDailyPoints } from '../../shared/modules/points/grantDailyPoints.js';
import { readPointsSummary } from '../../shared/modules/points/readPointsSummary.js';
import { createSql } from '../../shared/db/createSql.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let nextId = 1000;
async function newUser(points = 0): Promise<number> {
  const id = nextId++;
  await db.sql`insert into users (id, first_name, points) values (${id}, 'U', ${points})`;
  return id;
}
const ledger = (userId: number) => db.sql<{ delta: number; reason: string; balance_after: number }[]>`
  select delta, reason, balance_after from points_ledger where user_id = ${userId} order by id`;
const balance = async (userId: number) => (await db.sql<{ points: number }[]>`select points from users where id = ${userId}`)[0]!.points;

describe('points', () => {
  test('every change is a ledger row with the balance it left', async () => {
    const id = await newUser();
    assert.equal(await changePoints(db.sql, { userId: id, delta: 10, reason: 'daily' }), 10);
    assert.equal(await changePoints(db.sql, { userId: id, delta: -4, reason: 'golive' }), 6);
    assert.deepEqual((await ledger(id)).map((r) => ({ ...r })), [
      { delta: 10, reason: 'daily', balance_after: 10 },
      { delta: -4, reason: 'golive', balance_after: 6 },
    ]);
    assert.equal(await balance(id), 6);
  });

  test('a spend larger than the balance changes nothing and says so', async () => {
    const id = await newUser(5);
    assert.equal(await changePoints(db.sql, { userId: id, delta: -10, reason: 'golive' }), null);
    assert.equal(await balance(id), 5);
    assert.equal((await ledger(id)).length, 0);
  });

  test('the balance cannot be set below zero even by a bare update', async () => {
    const id = await newUser(1);
    await assert.rejects(db.sql`update users set points = -1 where id = ${id}`, /check constraint/);
  });

  test('20 spends of 10 racing over 50 points: exactly 5 succeed and the balance ends at zero', { skip: needsServer }, async () => {
    const id = await newUser(50);
    // Separate pools, so the spends really run at once on different connections.
    const pools = Array.from({ length: 4 }, () => createSql(db.url, { max: 5 }));
    try {
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        changePoints(pools[i % pools.length]!, { userId: id, delta: -10, reason: 'golive' })));
      assert.equal(results.filter((r) => r !== null).length, 5);
      assert.deepEqual(results.filter((r) => r !== null).sort((a, b) => a! - b!), [0, 10, 20, 30, 40]);
      assert.equal(await balance(id), 0);
      assert.deepEqual((await ledger(id)).map((r) => r.balance_after), [40, 30, 20, 10, 0]);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});

describe('daily points', () => {
  test('granted once a day, however many times asked', async () => {
    const id = await newUser();
    assert.equal(await grantDailyPoints(db.sql, id, 10), 10);
    assert.equal(await grantDailyPoints(db.sql, id, 10), null);
    assert.equal(await balance(id), 10);
    assert.equal((await readPointsSummary(db.sql, id))!.dailyToday, 10);
  });

  test('granted again the next day', async () => {
    const id = await newUser();
    await grantDailyPoints(db.sql, id, 10);
    // Yesterday, as far as the grant and the ledger can tell.
    await db.sql`update users set daily_points_on = daily_points_on - 1 where id = ${id}`;
    await db.sql`update points_ledger set created_at = created_at - interval '1 day' where user_id = ${id}`;
    assert.equal((await readPointsSummary(db.sql, id))!.dailyToday, 0);
    assert.equal(await grantDailyPoints(db.sql, id, 10), 20);
    assert.equal((await readPointsSummary(db.sql, id))!.dailyToday, 10);
  });

  test('not granted to someone who never registered', async () => {
    assert.equal(await grantDailyPoints(db.sql, 999_999, 10), null);
  });

  test('10 grants racing at the first interaction of the day grant once', { skip: needsServer }, async () => {
    const id = await newUser();
    const pools = Array.from({ length: 4 }, () => createSql(db.url, { max: 5 }));
    try {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => grantDailyPoints(pools[i % pools.length]!, id, 10)));
      assert.equal(results.filter((r) => r !== null).length, 1);
      assert.equal(await balance(id), 10);
      assert.equal((await ledger(id)).length, 1);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});
