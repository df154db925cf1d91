import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { User } from 'grammy/types';
import { createSql } from '../../shared/db/createSql.js';
import { parseReferralCode } from '../../shared/modules/users/parseReferralCode.js';
import { registerUser } from '../../shared/modules/users/registerUser.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let nextId = 2000;
const person = (first_name: string): User => ({ id: nextId++, is_bot: false, first_name, language_code: 'en' });
const codeOf = async (u: User) => (await db.sql<{ referral_code: string }[]>`select referral_code from users where id = ${u.id}`)[0]!.referral_code;
const pointsOf = async (u: User) => (await db.sql<{ points: number }[]>`select points from users where id = ${u.id}`)[0]!.points;
const REFERRAL = 10;

describe('referrals', () => {
  test('a chain: A refers B, B refers C; A is credited for B, B for C, A nothing for C', async () => {
    const [a, b, c] = [person('A'), person('B'), person('C')];
    await registerUser(db.sql, a, { code: null, points: REFERRAL });
    const rb = await registerUser(db.sql, b, { code: await codeOf(a), points: REFERRAL });
    assert.equal(rb.referrer?.id, a.id);
    const rc = await registerUser(db.sql, c, { code: await codeOf(b), points: REFERRAL });
    assert.equal(rc.referrer?.id, b.id);
    assert.deepEqual([await pointsOf(a), await pointsOf(b), await pointsOf(c)], [10, 10, 0]);
    const credits = await db.sql`select user_id, referred_user_id, delta from points_ledger where reason = 'referral' order by id`;
    assert.deepEqual(credits.map((r) => ({ ...r })), [
      { user_id: a.id, referred_user_id: b.id, delta: 10 },
      { user_id: b.id, referred_user_id: c.id, delta: 10 },
    ]);
  });

  test('a returning user who opens a link credits no one', async () => {
    const [a, b] = [person('A'), person('B')];
    await registerUser(db.sql, a, { code: null, points: REFERRAL });
    await registerUser(db.sql, b, { code: null, points: REFERRAL });
    const again = await registerUser(db.sql, b, { code: await codeOf(a), points: REFERRAL });
    assert.deepEqual(again, { created: false, referrer: null });
    assert.equal(await pointsOf(a), 0);
  });

  test('an unknown code registers the user with no referrer', async () => {
    const u = person('U');
    const r = await registerUser(db.sql, u, { code: '0000000000', points: REFERRAL });
    assert.deepEqual(r, { created: true, referrer: null });
  });

  test('a code must look like one: anything else in /start is not a referral', () => {
    assert.equal(parseReferralCode('a1b2c3d4e5'), 'a1b2c3d4e5');
    for (const payload of ['', 'abc', 'A1B2C3D4E5', 'a1b2c3d4e5f', "a1b2c3d4e'", '12345678 9']) assert.equal(parseReferralCode(payload), null, payload);
  });

  // (That codes differ is the unique constraint's job; what can break is a link that /start
  // does not take: the column's default and the parser must agree on the format.)
  test('every new user\'s code is one a /start link carries and the parser accepts', async () => {
    const users = [person('P'), person('Q'), person('R')];
    for (const u of users) await registerUser(db.sql, u, { code: null, points: REFERRAL });
    for (const u of users) {
      const code = await codeOf(u);
      assert.equal(parseReferralCode(code), code, `code ${code} of user ${u.id}`);
    }
  });

  test('the same new user starting 10 times at once is registered once and credits once', { skip: needsServer }, async () => {
    const a = person('A');
    await registerUser(db.sql, a, { code: null, points: REFERRAL });
    const code = await codeOf(a);
    const b = person('B');
    const pools = Array.from({ length: 4 }, () => createSql(db.url, { max: 3 }));
    try {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => registerUser(pools[i % 4]!, b, { code, points: REFERRAL })));
      assert.equal(results.filter((r) => r.created).length, 1);
      assert.equal(results.filter((r) => r.referrer).length, 1);
      assert.equal(await pointsOf(a), 10);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});
