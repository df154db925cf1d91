import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ConfigError } from '../shared/config/parseEnv.js';
import { parseIngressConfig } from '../shared/ingress/ingressConfig.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';

const root = path.join(import.meta.dirname, '..');

/**
 * The modules a file loads when it is imported: static imports followed, type-only imports
 * skipped. Dynamic `import()`s are collected apart: they load later, if ever.
 */
async function staticImports(entry: string): Promise<{ files: string[]; packages: string[]; lazy: string[] }> {
  const files = new Set<string>();
  const packages = new Set<string>();
  const lazy = new Set<string>();
  const visit = async (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const source = await readFile(path.join(root, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      if (spec.startsWith('.')) await visit(path.join(path.dirname(file), spec).replace(/\.js$/, '.ts'));
      else packages.add(spec);
    }
    for (const m of source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) lazy.add(path.join(path.dirname(file), m[1]!).replace(/\.js$/, '.ts'));
  };
  await visit(entry);
  return { files: [...files].sort(), packages: [...packages].sort(), lazy: [...lazy].sort() };
}

describe('the webhook function (api/telegram.ts)', () => {
  test('loads no bot, feature or worker code: only the ingress, its SQL and postgres.js', async () => {
    const { files, packages, lazy } = await staticImports('api/telegram.ts');
    const allowed = /^(api\/telegram|shared\/ingress\/\w+|shared\/config\/parseEnv|shared\/db\/(?:createSql|databaseTls)|shared\/telegram\/routeUpdate|shared\/queue\/(?:priority|createWaker))\.ts$/;
    assert.deepEqual(files.filter((f) => !allowed.test(f)), []);
    assert.deepEqual(packages.filter((p) => !p.startsWith('node:')), ['@vercel/functions/db-connections', 'postgres']);
    assert.deepEqual(lazy, ['api/@vercel/functions', 'shared/logger.ts'], 'pino loads only when there is an error to log; waitUntil after the first answer');
  });

  test('stops at start-up naming each missing or bad variable', () => {
    assert.throws(() => parseIngressConfig({}), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /DATABASE_URL/);
      assert.match(err.message, /TELEGRAM_WEBHOOK_SECRET/);
      return true;
    });
    assert.throws(() => parseIngressConfig({ DATABASE_URL: 'postgres://x', TELEGRAM_WEBHOOK_SECRET: 'has spaces' }), /TELEGRAM_WEBHOOK_SECRET/);
    assert.equal(parseIngressConfig({ DATABASE_URL: 'postgres://x', TELEGRAM_WEBHOOK_SECRET: 'ok_secret-1' }).poolMax, 4);
  });
});

describe('the deployed handler', () => {
  let db: TestDatabase;
  before(async () => { db = await createTestDatabase(); });
  after(async () => { await db.drop(); });

  test('accepts updates as Vercel calls it and reuses one connection across warm invocations', { skip: needsServer }, async () => {
    process.env.DATABASE_URL = db.url;
    process.env.TELEGRAM_WEBHOOK_SECRET = 'vercel-secret';
    process.env.INGRESS_DB_POOL_MAX = '1';
    // Vercel's runtime, as @vercel/functions finds it: the platform's variables and the
    // request context whose waitUntil keeps an instance running after its answer.
    process.env.VERCEL_URL = 'bot.example.vercel.app';
    process.env.VERCEL_REGION = 'fra1';
    const keptAlive: unknown[] = [];
    const context = Symbol.for('@vercel/request-context');
    (globalThis as Record<symbol, unknown>)[context] = { get: () => ({ waitUntil: (p: Promise<unknown>) => keptAlive.push(p) }) };
    const { default: handler } = await import('../api/telegram.js');
    const server = createServer((req, res) => void handler(req as never, res as never));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`;
    try {
      for (let id = 1; id <= 5; id++) {
        const res = await fetch(url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 'vercel-secret' }, body: JSON.stringify({ update_id: id }) });
        assert.equal(res.status, 200);
      }
      const [jobs] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs`;
      assert.equal(jobs?.n, 5);
      const [conns] = await db.sql<{ n: number }[]>`
        select count(*)::int as n from pg_stat_activity where application_name = 'webhook' and datname = current_database()`;
      assert.equal(conns?.n, 1, 'five invocations, one connection');
      // attachDatabasePool: after each request the instance is kept up until the idle
      // connection has been closed, so suspension never freezes it open; the NOTIFY after
      // each answer is kept alive too (at most one in flight, so at most five more).
      assert.ok(keptAlive.length >= 5 && keptAlive.length <= 10, `waitUntil called ${keptAlive.length} times`);
      assert.ok(keptAlive.every((p) => p instanceof Promise));
    } finally {
      server.close();
      delete (globalThis as Record<symbol, unknown>)[context];
      delete process.env.VERCEL_URL;
      delete process.env.VERCEL_REGION;
    }
  });
});
