import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Sql } from './createSql.js';

/** Where the Supabase CLI keeps migrations, relative to the project root. */
export const MIGRATIONS_DIR = path.join(import.meta.dirname, '..', '..', 'supabase', 'migrations');

/** A migration file: `<version>_<name>.sql`, as the Supabase CLI names them. */
export interface Migration {
  version: string;
  name: string;
  file: string;
}

/** Lists the migrations in `dir`, oldest first. */
export async function listMigrations(dir = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  return files.map((file) => {
    const match = /^(\d+)_(.+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file name must be <version>_<name>.sql: ${file}`);
    return { version: match[1]!, name: match[2]!, file: path.join(dir, file) };
  });
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
