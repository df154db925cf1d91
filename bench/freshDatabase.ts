import { randomBytes } from 'node:crypto';
import { type Sql, createSql } from '../shared/db/createSql.js';
import { migrate } from '../shared/db/migrate.js';

/** A database created for one scenario, with the project's migrations applied. */
export interface FreshDatabase {
  name: string;
  url: string;
  /** A pool on it (10 connections), closed by `drop()`. */
  sql: Sql;
  drop(): Promise<void>;
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates `bench_<scenario>_<random>` on the server, migrates it with the project's own
 * `migrate()`, and drops it (forcibly: a crashed reference worker may still hold connections)
 * when the scenario is done. A scenario never sees another one's rows, dead tuples or stats.
 */
export async function freshDatabase(serverUrl: string, scenario: string): Promise<FreshDatabase> {
  const name = `bench_${scenario.replace(/\W/g, '_')}_${randomBytes(4).toString('hex')}`;
  const admin = createSql(serverUrl, { max: 1 });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end({ timeout: 1 });
  }
  const url = withDatabase(serverUrl, name);
  const sql = createSql(url, { max: 10, applicationName: 'bench' });
  await migrate(sql);
  return {
    name,
    url,
    sql,
    async drop() {
      await sql.end({ timeout: 2 });
      const a = createSql(serverUrl, { max: 1 });
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end({ timeout: 1 });
      }
    },
  };
}
