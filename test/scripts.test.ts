import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';

function run(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { out += c; });
    child.on('exit', (code) => resolve({ code, out }));
  });
}

describe('operator commands', { skip: needsServer }, () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('npm run migrate applies everything to an empty database, then nothing', async () => {
    const name = `growthbot_cli_${Date.now()}`;
    await db.sql.unsafe(`create database ${name}`);
    const url = new URL(db.url);
    url.pathname = `/${name}`;
    try {
      const first = await run('scripts/migrate.ts', [], { DATABASE_URL: url.toString() });
      assert.equal(first.code, 0, first.out);
      assert.match(first.out, /applied \d+ migration/);
      const second = await run('scripts/migrate.ts', [], { DATABASE_URL: url.toString() });
      assert.equal(second.code, 0);
      assert.match(second.out, /nothing to apply/);
      const check = createSql(url.toString(), { max: 1 });
      const [row] = await check<{ n: number }[]>`select count(*)::int as n from jobs`;
      await check.end();
      assert.equal(row?.n, 0);
    } finally {
      await db.sql.unsafe(`drop database ${name} with (force)`);
    }
  });

  test('npm run migrate without DATABASE_URL says what is missing', async () => {
    const res = await run('scripts/migrate.ts', [], { DATABASE_URL: '' });
    assert.equal(res.code, 1);
    assert.match(res.out, /DATABASE_URL is required/);
  });

  test('npm run jobs -- replay queues a failed job again; bad ids are refused', async () => {
    const [job] = await db.sql<{ id: number }[]>`
      insert into jobs (type, payload, state, attempts, failed_at, last_error) values ('x', '{}', 'failed', 3, now(), 'boom') returning id`;
    const failed = await run('scripts/jobs.ts', ['failed'], { DATABASE_URL: db.url });
    assert.match(failed.out, /boom/);
    const replay = await run('scripts/jobs.ts', ['replay', String(job!.id)], { DATABASE_URL: db.url });
    assert.equal(replay.code, 0);
    assert.match(replay.out, new RegExp(`replayed 1 job\\(s\\): ${job!.id}`));
    const [row] = await db.sql<{ state: string; attempts: number }[]>`select state, attempts from jobs where id = ${job!.id}`;
    assert.deepEqual({ ...row }, { state: 'queued', attempts: 0 });
    const bad = await run('scripts/jobs.ts', ['replay', 'abc'], { DATABASE_URL: db.url });
    assert.equal(bad.code, 1);
    assert.match(bad.out, /not a job id: abc/);
    const usage = await run('scripts/jobs.ts', ['frobnicate'], { DATABASE_URL: db.url });
    assert.equal(usage.code, 2);
  });
});
