import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { listMigrations, migrate } from '../shared/db/migrate.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

describe('migrations', () => {
  test('every table in the public schema has row level security and no policy', async () => {
    const tables = await db.sql<{ relname: string; relrowsecurity: boolean }[]>`
      select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p')`;
    assert.ok(tables.length >= 4, 'expected the backbone tables');
    assert.deepEqual(tables.filter((t) => !t.relrowsecurity).map((t) => t.relname), []);
    const policies = await db.sql`select tablename, policyname from pg_policies where schemaname = 'public'`;
    assert.deepEqual(policies.map((p) => ({ ...p })), []);
  });

  test('are recorded where the Supabase CLI looks, and a second run applies nothing', async () => {
    const recorded = await db.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations order by version`;
    assert.deepEqual(recorded.map((r) => r.version), (await listMigrations()).map((m) => m.version));
    assert.deepEqual(await migrate(db.sql), []);
  });

  test('two processes migrating an empty database at once apply each migration once', { skip: needsServer }, async () => {
    const name = `growthbot_mig_${Date.now()}`;
    await db.sql.unsafe(`create database ${name}`);
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    const a = createSql(url.toString(), { max: 1 });
    const b = createSql(url.toString(), { max: 1 });
    try {
      const [ra, rb] = await Promise.all([migrate(a), migrate(b)]);
      assert.equal(ra.length + rb.length, (await listMigrations()).length);
      assert.ok(ra.length === 0 || rb.length === 0, 'one run must have found nothing pending');
    } finally {
      await a.end({ timeout: 1 });
      await b.end({ timeout: 1 });
      await db.sql.unsafe(`drop database ${name} with (force)`);
    }
  });
});
