import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { startEmbeddedDatabase } from '../../local/startEmbeddedDatabase.js';
import { type Sql, createSql } from '../../shared/db/createSql.js';
import { listMigrations, migrate } from '../../shared/db/migrate.js';

/** A fresh, migrated database for one test file. */
export interface TestDatabase {
  url: string;
  /** A pool on it, closed by `drop()`. */
  sql: Sql;
  /** 'server' when TEST_DATABASE_URL is set (several real backends), else 'embedded' (PGlite). */
  kind: 'server' | 'embedded';
  drop(): Promise<void>;
}

/** True when tests can use several real backends (SKIP LOCKED between workers, LISTEN). */
export const hasServer = Boolean(process.env.TEST_DATABASE_URL);

// In CI nothing may be skipped: a missing server is an error there, not a skip.
if (process.env.CI && !hasServer) throw new Error('CI is set but TEST_DATABASE_URL is not: tests that need a real server would be skipped');

/** Why a test that needs a real server was skipped; `false` when it runs. */
export const needsServer = hasServer ? false : 'needs several real connections: set TEST_DATABASE_URL (CI does)';

async function migrationsHash(): Promise<string> {
  const hash = createHash('sha256');
  for (const m of await listMigrations()) hash.update(m.file).update(await readFile(m.file));
  return hash.digest('hex').slice(0, 12);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * One fresh database per test file, as graphile-worker's tests do: with TEST_DATABASE_URL, a
 * clone of a template that has the current migrations (built once per migration set; cloning
 * takes milliseconds); without it, an in-memory PGlite.
 */
export async function createTestDatabase(options: { max?: number; /** Default true; false gives an empty database. */ migrated?: boolean } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  const migrated = options.migrated ?? true;
  if (!serverUrl) {
    const embedded = await startEmbeddedDatabase();
    // One connection: pglite-socket's multiplexer can interleave two connections' extended-
    // protocol messages ("portal does not exist", a spurious 503), so everything queues on one.
    const sql = createSql(embedded.url, { max: 1 });
    if (migrated) await migrate(sql);
    return {
      url: embedded.url, sql, kind: 'embedded',
      async drop() { await sql.end({ timeout: 1 }); await embedded.stop(); },
    };
  }
  const template = `growthbot_tpl_${await migrationsHash()}`;
  const name = `growthbot_test_${randomBytes(6).toString('hex')}`;
  const admin = createSql(serverUrl, { max: 1 });
  const conn = await admin.reserve();
  try {
    if (!migrated) await conn.unsafe(`create database ${name}`);
    else await cloneTemplate(conn, serverUrl, template, name);
  } finally {
    conn.release();
    await admin.end({ timeout: 1 });
  }
  const url = withDatabase(serverUrl, name);
  const sql = createSql(url, { max: options.max ?? 10 });
  return {
    url, sql, kind: 'server',
    async drop() {
      await sql.end({ timeout: 1 });
      const a = createSql(serverUrl, { max: 1 });
      try { await a.unsafe(`drop database if exists ${name} with (force)`); } finally { await a.end({ timeout: 1 }); }
    },
  };
}

/** Creates `name` as a copy of the migrated template, building the template first if needed. */
async function cloneTemplate(conn: Sql, serverUrl: string, template: string, name: string): Promise<void> {
  // Test files run in parallel processes: one builds the template, the others wait for it.
  await conn`select pg_advisory_lock(hashtext('growthbot:test-template'))`;
  const [exists] = await conn`select 1 from pg_database where datname = ${template}`;
  if (!exists) {
    await conn.unsafe(`create database ${template}`);
    const t = createSql(withDatabase(serverUrl, template), { max: 1 });
    try {
      await migrate(t);
    } catch (err) {
      await t.end({ timeout: 1 });
      await conn.unsafe(`drop database ${template}`);
      throw err;
    }
    await t.end({ timeout: 1 });
  }
  await conn.unsafe(`create database ${name} template ${template}`);
  await conn`select pg_advisory_unlock(hashtext('growthbot:test-template'))`;
}
