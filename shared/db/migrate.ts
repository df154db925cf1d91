import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from './createSql.js';

/**
 * `supabase/migrations` in the nearest directory above `from` that has one. Searched, not
 * fixed: this module runs from `shared/db/` under tsx and from `dist/shared/db/` once compiled
 * (Railway's pre-deploy command), and `../..` from the latter is `dist/`, which has no SQL.
 */
function findMigrationsDir(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'supabase', 'migrations');
    if (existsSync(candidate)) return candidate;
    // Not found: the project-relative path, so that reading it fails naming where it looked.
    if (path.dirname(dir) === dir) return path.join(from, '..', '..', 'supabase', 'migrations');
  }
}

/** Where the Supabase CLI keeps migrations: the project's `supabase/migrations`. */
export const MIGRATIONS_DIR = findMigrationsDir(import.meta.dirname);

/** A migration file: `<version>_<name>.sql`, as the Supabase CLI names them. */
export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** Lists the migrations in `dir`, oldest first. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must be <version>_<name>.sql: ${file}`);
    return { version: match[1]!, name: match[2]!, file: path.join(dir, file) };
  });
  // Two engineers picking the same timestamp: the version is the key of schema_migrations,
  // so the second would fail every fresh database with a bare unique violation.
  for (let i = 1; i < migrations.length; i++) {
    if (migrations[i]!.version === migrations[i - 1]!.version) {
      throw new Error(`two migrations share version ${migrations[i]!.version}: ${path.basename(migrations[i - 1]!.file)} and ${path.basename(migrations[i]!.file)}; give the newer one a later version`);
    }
  }
  return migrations;
}

/**
 * Applies the pending migrations in one transaction and returns the versions it applied.
 *
 * Applied versions are recorded in `supabase_migrations.schema_migrations`, the table the
 * Supabase CLI itself uses, so `supabase db push` and this command agree on what is applied.
 * A transaction-scoped advisory lock makes two concurrent runs safe: the second waits, then
 * finds nothing pending. A session-level lock would not survive a transaction pooler.
 */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('growthbot:migrate'))`;
    await tx`create schema if not exists supabase_migrations`;
    await tx`
      create table if not exists supabase_migrations.schema_migrations (
        version text primary key, statements text[], name text
      )`;
    const rows = await tx<{ version: string }[]>`select version from supabase_migrations.schema_migrations`;
    const applied = new Set(rows.map((r) => r.version));
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      const text = await readFile(m.file, 'utf8');
      await tx.unsafe(text).simple();
      await tx`
        insert into supabase_migrations.schema_migrations (version, name, statements)
        values (${m.version}, ${m.name}, ${[text]})`;
      done.push(m.version);
    }
    return done;
  });
}
