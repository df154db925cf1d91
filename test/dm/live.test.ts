import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../../shared/db/createSql.js';
import { goLive } from '../../shared/modules/liveList/goLive.js';
import { parseLiveUsername } from '../../shared/modules/liveList/parseLiveUsername.js';
import { readLivePage } from '../../shared/modules/liveList/readLivePage.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let nextId = 3000;
async function newUser(o: { points?: number; instagram?: string | null; unlimited?: boolean } = {}): Promise<number> {
  const id = nextId++;
  await db.sql`
    insert into users (id, first_name, points, live_username, unlimited_points)
    values (${id}, 'U', ${o.points ?? 0}, ${o.instagram === undefined ? `ig${id}` : o.instagram}, ${o.unlimited ?? false})`;
  return id;
}
const pointsOf = async (id: number) => (await db.sql<{ points: number }[]>`select points from users where id = ${id}`)[0]!.points;
const OPTIONS = { cost: 10, minutes: 60 };

describe('Instagram usernames', () => {
  test('accepted as Instagram allows them, with @ or as a profile link, lowercased', () => {
    const cases: [string, string | null][] = [
      ['natgeo', 'natgeo'], ['@NatGeo', 'natgeo'], ['  nat_geo.1 ', 'nat_geo.1'], ['a', 'a'], ['x'.repeat(30), 'x'.repeat(30)],
      ['https://www.instagram.com/natgeo/', 'natgeo'], ['instagram.com/natgeo?igsh=abc', 'natgeo'],
      ['', null], ['@', null], ['x'.repeat(31), null], ['nat geo', null], ['nat-geo', null], ['натгео', null],
      ['.natgeo', null], ['natgeo.', null], ['nat..geo', null], ['https://example.com/natgeo', null],
    ];
    for (const [input, expected] of cases) assert.equal(parseLiveUsername(input), expected, input);
  });
});

describe('going live', () => {
  test('costs points and puts the username on the list for the configured time', async () => {
    const id = await newUser({ points: 25 });
    const result = await goLive(db.sql, id, OPTIONS);
    assert.deepEqual(result, { status: 'live', username: `ig${id}`, minutes: 60, cost: 10, balance: 15, unlimited: false });
    const [row] = await db.sql`select round(extract(epoch from ends_at - started_at) / 60)::int as minutes from live_sessions where user_id = ${id}`;
    assert.equal(row!.minutes, 60);
    const [entry] = await db.sql`select reason, delta, balance_after from points_ledger where user_id = ${id}`;
    assert.deepEqual({ ...entry }, { reason: 'golive', delta: -10, balance_after: 15 });
  });

  test('while live, going live again costs nothing and says how long is left', async () => {
    const id = await newUser({ points: 25 });
    await goLive(db.sql, id, OPTIONS);
    const again = await goLive(db.sql, id, OPTIONS);
    assert.deepEqual(again, { status: 'already_live', username: `ig${id}`, minutesLeft: 60 });
    assert.equal(await pointsOf(id), 15);
  });

  test('spending down to zero, then refused with the balance, nothing written', async () => {
    const id = await newUser({ points: 20 });
    for (const expected of [10, 0]) {
      const r = await goLive(db.sql, id, OPTIONS);
      assert.equal(r.status === 'live' && r.balance, expected);
      await db.sql`update live_sessions set started_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' where user_id = ${id}`;
    }
    assert.deepEqual(await goLive(db.sql, id, OPTIONS), { status: 'not_enough_points', cost: 10, balance: 0 });
    assert.equal((await db.sql`select 1 from live_sessions where user_id = ${id} and ends_at > now()`).length, 0);
  });

  test('free with unlimited points', async () => {
    const id = await newUser({ points: 0, unlimited: true });
    const r = await goLive(db.sql, id, OPTIONS);
    assert.equal(r.status, 'live');
    assert.equal(r.status === 'live' && r.cost, 0);
    assert.equal((await db.sql`select 1 from points_ledger where user_id = ${id}`).length, 0);
  });

  test('needs an Instagram username and a registration', async () => {
    assert.deepEqual(await goLive(db.sql, await newUser({ points: 50, instagram: null }), OPTIONS), { status: 'no_username' });
    assert.deepEqual(await goLive(db.sql, 1, OPTIONS), { status: 'not_registered' });
  });

  test('a double tap reaching two workers at once charges once', { skip: needsServer }, async () => {
    const id = await newUser({ points: 100 });
    const pools = [createSql(db.url, { max: 2 }), createSql(db.url, { max: 2 })];
    try {
      const results = await Promise.all(Array.from({ length: 6 }, (_, i) => goLive(pools[i % 2]!, id, OPTIONS)));
      assert.equal(results.filter((r) => r.status === 'live').length, 1);
      assert.equal(await pointsOf(id), 90);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});

describe('the live list', () => {
  test('newest first, a page at a time; a page past the end shows the last page; expired entries are gone', async () => {
    await db.sql`delete from live_sessions`;
    const ids: number[] = [];
    for (let i = 0; i < 23; i++) {
      const id = await newUser({ instagram: `user${String(i).padStart(2, '0')}` });
      ids.push(id);
      await db.sql`insert into live_sessions (user_id, live_username, started_at, ends_at)
        values (${id}, ${`user${String(i).padStart(2, '0')}`}, now() - ${23 - i} * interval '1 second', now() + interval '30 minutes')`;
    }
    const first = await readLivePage(db.sql, 0, 10);
    assert.deepEqual({ page: first.page, pages: first.pages, total: first.total }, { page: 0, pages: 3, total: 23 });
    assert.deepEqual(first.entries.slice(0, 2).map((e) => e.username), ['user22', 'user21']);
    assert.equal(first.entries[0]!.minutesLeft, 30);
    const last = await readLivePage(db.sql, 2, 10);
    assert.deepEqual(last.entries.map((e) => e.username), ['user02', 'user01', 'user00']);
    // Ten people go off the list: the stale "page 3" now shows page 2, the last one.
    await db.sql`update live_sessions set ends_at = now() - interval '1 second', started_at = now() - interval '1 hour' where user_id = any(${ids.slice(0, 10)})`;
    const stale = await readLivePage(db.sql, 2, 10);
    assert.deepEqual({ page: stale.page, pages: stale.pages, total: stale.total }, { page: 1, pages: 2, total: 13 });
    assert.deepEqual(stale.entries.map((e) => e.username), ['user12', 'user11', 'user10']);
  });

  test('empty when nobody is live', async () => {
    await db.sql`delete from live_sessions`;
    assert.deepEqual(await readLivePage(db.sql, 0, 10), { entries: [], page: 0, pages: 1, total: 0 });
  });
});
