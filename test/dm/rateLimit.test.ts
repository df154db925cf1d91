import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../../shared/db/createSql.js';
import { hitRateLimit } from '../../shared/bot/rateLimit/hitRateLimit.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

describe('the rate limit', () => {
  test('allows 10 commands, then tells once when to retry, then drops silently', async () => {
    const rule = { commands: 10, windowMs: 60_000 };
    const verdicts = [];
    for (let i = 0; i < 13; i++) verdicts.push(await hitRateLimit(db.sql, 1, rule));
    assert.deepEqual(verdicts.slice(0, 10).map((v) => v.allowed), Array(10).fill(true));
    const [told, ...silent] = verdicts.slice(10);
    assert.ok(!told!.allowed && told!.tell);
    assert.ok(!told!.allowed && told!.retryInMs > 55_000 && told!.retryInMs <= 60_000, 'retry when the first command leaves the window');
    assert.deepEqual(silent.map((v) => !v.allowed && v.tell), [false, false]);
  });

  test('counts each user separately', async () => {
    const rule = { commands: 1, windowMs: 60_000 };
    assert.equal((await hitRateLimit(db.sql, 2, rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 3, rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 2, rule)).allowed, false);
  });

  test('lets the user back in when the window frees up, and tells them again next time', async () => {
    const rule = { commands: 2, windowMs: 400 };
    await hitRateLimit(db.sql, 4, rule);
    await hitRateLimit(db.sql, 4, rule);
    const first = await hitRateLimit(db.sql, 4, rule);
    assert.ok(!first.allowed && first.tell);
    await new Promise((r) => setTimeout(r, 450));
    assert.equal((await hitRateLimit(db.sql, 4, rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 4, rule)).allowed, true);
    const second = await hitRateLimit(db.sql, 4, rule);
    assert.ok(!second.allowed && second.tell, 'a new limited period is told again');
  });

  test('30 commands at once from 3 connections: exactly 10 allowed, one told', { skip: needsServer }, async () => {
    const pools = Array.from({ length: 3 }, () => createSql(db.url, { max: 5 }));
    try {
      const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => hitRateLimit(pools[i % 3]!, 5, { commands: 10, windowMs: 60_000 })));
      assert.equal(verdicts.filter((v) => v.allowed).length, 10);
      assert.equal(verdicts.filter((v) => !v.allowed && v.tell).length, 1);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});
