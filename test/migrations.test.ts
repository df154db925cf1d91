import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { listMigrations, migrate } from '../shared/db/migrate.js';
import { createTestDatabase, hasServer, needsServer, type TestDatabase } from './support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

describe('migrations', () => {
  test('two files with one version are refused by name, before any database sees them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    try {
      for (const f of ['20261202080000_a.sql', '20261202080000_b.sql']) await writeFile(path.join(dir, f), 'select 1;');
      await assert.rejects(listMigrations(dir), /two migrations share version 20261202080000: 20261202080000_a\.sql and 20261202080000_b\.sql/);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

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

  test('every function in the public schema pins its search_path (Supabase advisor lint 0011)', async () => {
    const functions = await db.sql<{ name: string; config: string[] | null }[]>`
      select p.proname as name, p.proconfig as config from pg_proc p
      join pg_namespace n on n.oid = p.pronamespace
      where n.nspname = 'public'
        and not exists (select 1 from pg_depend d where d.objid = p.oid and d.deptype = 'e')
      order by 1`;
    assert.ok(functions.some((f) => f.name === 'jobs_take_key'), 'expected the queue trigger functions');
    const unpinned = functions.filter((f) => !(f.config ?? []).some((c) => c.startsWith('search_path='))).map((f) => f.name);
    assert.deepEqual(unpinned, []);
  });

  test('the queue triggers work with an empty search_path, as a data-only pg_dump restore runs them', async () => {
    // pg_dump's output starts with set_config('search_path', '', false), then inserts the rows,
    // and the insert and delete triggers fire under it.
    const states = await db.sql.begin(async (tx) => {
      await tx`set local search_path = ''`;
      const [first] = await tx<{ id: number }[]>`insert into public.jobs (type, serial_key) values ('restore', 'k') returning id`;
      const [second] = await tx<{ id: number; state: string }[]>`insert into public.jobs (type, serial_key) values ('restore', 'k') returning id, state`;
      const [third] = await tx<{ id: number; state: string }[]>`insert into public.jobs (type, serial_key) values ('restore', 'k') returning id, state`;
      await tx`delete from public.jobs where id = ${first!.id}`;
      const [promoted] = await tx<{ state: string }[]>`select state from public.jobs where id = ${second!.id}`;
      await tx`update public.jobs set state = 'failed' where id = ${second!.id}`;
      const [afterFail] = await tx<{ state: string }[]>`select state from public.jobs where id = ${third!.id}`;
      await tx`delete from public.jobs where type = 'restore'`;
      return { second: second!.state, third: third!.state, promoted: promoted!.state, afterFail: afterFail!.state };
    });
    assert.deepEqual(states, { second: 'waiting', third: 'waiting', promoted: 'queued', afterFail: 'queued' });
  });

  test('a data-only pg_dump restores into a freshly migrated database', { skip: dumpSkipReason() }, async () => {
    await db.sql`insert into users (id, first_name) values (1, 'Ana')`;
    await db.sql`insert into jobs (type, serial_key) values ('restore', 'chat:1'), ('restore', 'chat:1')`;
    const dump = execFileSync('pg_dump', ['--data-only', '--no-owner', '--schema=public', db.url], { encoding: 'utf8' });
    const target = await createTestDatabase();
    try {
      execFileSync('psql', ['--no-psqlrc', '-v', 'ON_ERROR_STOP=1', '-q', target.url], { input: dump, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
      const jobs = await target.sql<{ state: string }[]>`select state from jobs where type = 'restore' order by id`;
      assert.deepEqual(jobs.map((j) => j.state), ['queued', 'waiting']);
    } finally {
      await target.drop();
      await db.sql`delete from jobs where type = 'restore'`;
      await db.sql`delete from users where id = 1`;
    }
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

/** Why the pg_dump round trip cannot run here; `false` when it can. */
function dumpSkipReason(): string | false {
  // pg_dump refuses a server newer than itself, and PGlite is PostgreSQL 18.
  if (!hasServer) return 'pg_dump cannot dump the embedded PGlite: set TEST_DATABASE_URL (CI does)';
  try {
    execFileSync('pg_dump', ['--version'], { stdio: 'ignore' });
    return false;
  } catch {
    return 'pg_dump is not on PATH (the postgresql-client package has it)';
  }
}
