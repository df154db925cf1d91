import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { PostgresSessionStorage } from '../shared/bot/PostgresSessionStorage.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

test('conversation state is written, read back, overwritten and deleted', async () => {
  const storage = new PostgresSessionStorage<{ step: string; n?: number }>(db.sql);
  assert.equal(await storage.read('chat:1'), undefined);
  await storage.write('chat:1', { step: 'caption' });
  assert.deepEqual(await storage.read('chat:1'), { step: 'caption' });
  await storage.write('chat:1', { step: 'confirm', n: 2 });
  assert.deepEqual(await storage.read('chat:1'), { step: 'confirm', n: 2 });
  await storage.delete('chat:1');
  assert.equal(await storage.read('chat:1'), undefined);
});

test('an expired session reads as absent', async () => {
  const storage = new PostgresSessionStorage<{ step: string }>(db.sql, { ttlMs: 1 });
  await storage.write('chat:2', { step: 'photo' });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await storage.read('chat:2'), undefined);
});
