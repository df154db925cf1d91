import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listMigrations, migrate } from '../../shared/db/migrate.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { PROJECT_ROOT, runCommand } from '../support/runCommand.js';

// The Supabase CLI (the `supabase` devDependency, which ships its binary) against a local
// PostgreSQL: it and `npm run migrate` must agree on what is applied, whichever of the two an
// operator uses, and in either order.

/** The CLI's connection string: it asks for TLS unless told not to; the local servers have none. */
function cliUrl(url: string): string {
  const u = new URL(url);
  u.searchParams.set('sslmode', 'disable');
  return u.toString();
}

function supabase(args: string[]) {
  return runCommand('supabase', [...args, '--agent', 'no'], { env: { SUPABASE_ACCESS_TOKEN: undefined, DO_NOT_TRACK: '1' } });
}

interface MigrationListing {
  migrations: { local: string; remote: string }[];
}

async function migrationList(url: string): Promise<MigrationListing['migrations']> {
  const res = await supabase(['migration', 'list', '--db-url', cliUrl(url), '--output-format', 'json']);
  assert.equal(res.code, 0, res.output);
  return (JSON.parse(res.stdout.slice(res.stdout.indexOf('{'))) as MigrationListing).migrations;
}

/** information_schema's view of public: tables, columns and their types, sorted. */
async function schemaOf(db: TestDatabase): Promise<string[]> {
  const rows = await db.sql<{ c: string }[]>`
    select table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || coalesce(column_default, '') as c
    from information_schema.columns where table_schema = 'public' order by 1`;
  const functions = await db.sql<{ c: string }[]>`
    select p.proname || ' ' || coalesce(array_to_string(p.proconfig, ','), '') as c
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public' order by 1`;
  return [...rows.map((r) => r.c), ...functions.map((r) => r.c)];
}

describe('the Supabase CLI and npm run migrate agree', () => {
  let migrated: TestDatabase;
  let pushed: TestDatabase;
  before(async () => {
    migrated = await createTestDatabase();
    pushed = await createTestDatabase({ migrated: false });
  });
  after(async () => {
    await migrated?.drop();
    await pushed?.drop();
  });

  test('after npm run migrate, supabase migration list shows every local version applied', async () => {
    const listed = (await migrationList(migrated.url)).map(({ local, remote }) => ({ local, remote }));
    assert.deepEqual(listed, (await listMigrations()).map((m) => ({ local: m.version, remote: m.version })));
  });

  test('after supabase db push, npm run migrate finds nothing pending and the schema is the same', async () => {
    const dryRun = await supabase(['db', 'push', '--dry-run', '--db-url', cliUrl(pushed.url)]);
    assert.equal(dryRun.code, 0, dryRun.output);
    for (const m of await listMigrations()) assert.ok(dryRun.output.includes(`${m.version}_${m.name}.sql`), `dry run would not push ${m.version}:\n${dryRun.output}`);

    const push = await supabase(['db', 'push', '--yes', '--db-url', cliUrl(pushed.url)]);
    assert.equal(push.code, 0, push.output);
    assert.deepEqual(await migrate(pushed.sql), [], 'npm run migrate re-applied what the CLI had pushed');
    assert.deepEqual(await schemaOf(pushed), await schemaOf(migrated));

    const again = await supabase(['db', 'push', '--dry-run', '--db-url', cliUrl(pushed.url)]);
    assert.equal(again.code, 0, again.output);
    assert.match(again.output, /Remote database is up to date/);
  });

  test('after npm run migrate, supabase db push --dry-run has nothing to push', async () => {
    const dryRun = await supabase(['db', 'push', '--dry-run', '--db-url', cliUrl(migrated.url)]);
    assert.equal(dryRun.code, 0, dryRun.output);
    assert.match(dryRun.output, /Remote database is up to date/);
  });

  test('config.toml names PostgreSQL 17, what new Supabase projects run; the migrations ran here on 15 or later', async () => {
    const toml = await readFile(path.join(PROJECT_ROOT, 'supabase', 'config.toml'), 'utf8');
    assert.equal(/^\s*major_version\s*=\s*(\d+)/m.exec(toml)?.[1], '17');
    const [{ v } = { v: 0 }] = await migrated.sql<{ v: number }[]>`select current_setting('server_version_num')::int as v`;
    assert.ok(v >= 150000, `the migrations must keep running on PostgreSQL 15 (this server: ${v})`);
  });
});
