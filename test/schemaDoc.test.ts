import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';

// docs/SCHEMA.md kept in step with supabase/migrations: every table and column of the migrated
// database is documented with its type, and nothing documented is missing from it.

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

/** information_schema's type in the short form the document uses. */
function shortType(dataType: string, udtName: string): string {
  if (dataType === 'ARRAY') return `${shortType(udtName.replace(/^_/, ''), '')}[]`;
  return ({ 'timestamp with time zone': 'timestamptz', timestamptz: 'timestamptz', 'double precision': 'float8' } as Record<string, string>)[dataType] ?? dataType;
}

test('docs/SCHEMA.md documents every table and column of the migrated database, with its type', async () => {
  const doc = await readFile(path.join(import.meta.dirname, '..', 'docs', 'SCHEMA.md'), 'utf8');
  const documented: string[] = [];
  let table: string | undefined;
  for (const line of doc.split('\n')) {
    const heading = /^### `(\w+)`/.exec(line);
    if (heading) table = heading[1];
    const row = /^\| `(\w+)` \| ([\w[\]]+) \|/.exec(line);
    if (row && table) documented.push(`${table}.${row[1]} ${row[2]}`);
  }
  const columns = await db.sql<{ table_name: string; column_name: string; data_type: string; udt_name: string }[]>`
    select c.table_name, c.column_name, c.data_type, c.udt_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = 'public' and t.table_type = 'BASE TABLE'`;
  const actual = columns.map((c) => `${c.table_name}.${c.column_name} ${shortType(c.data_type, c.udt_name)}`);
  const missing = actual.filter((c) => !documented.includes(c)).sort();
  const stale = documented.filter((c) => !actual.includes(c)).sort();
  assert.deepEqual({ missing, stale }, { missing: [], stale: [] }, 'update docs/SCHEMA.md to match the migrations');
});
