import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { createHealthHandler } from '../worker/createHealthHandler.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { type ProxyMode, startTcpProxy } from './support/startTcpProxy.js';
import { testLogger } from './support/testLogger.js';

const SECRET = 'outage-secret';
const CONCURRENT = 20;

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

const dm = (updateId: number) => ({
  update_id: updateId,
  message: { message_id: updateId, date: 1, chat: { id: 1000 + (updateId % 7), type: 'private' }, from: { id: 1000 + (updateId % 7), is_bot: false, first_name: 'A' }, text: 'hi' },
});

/** The webhook and /healthz on their own pool, reaching the database through a proxy. */
async function startBehindProxy() {
  const target = new URL(db.url);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  const proxied = new URL(db.url);
  proxied.port = String(proxy.port);
  const sql = createSql(proxied.toString(), { max: 2, prepare: false, connectTimeout: 1, fetchTypes: false });
  const webhook = createWebhookHandler({ sql, secret: SECRET, log: testLogger, poolMax: 2, dbTimeoutMs: 500 });
  const health = createHealthHandler({ sql, log: testLogger, inFlight: () => 0, timeoutMs: 500 });
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (req.url === '/healthz') return void health(req, res);
    void webhook(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = (id: number) => fetch(`${base}/api/telegram`, {
    method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(dm(id)),
  }).then((r) => r.status);
  return {
    proxy, post,
    health: () => fetch(`${base}/healthz`).then(async (r) => ({ status: r.status, text: await r.text() })),
    async close() {
      server.closeAllConnections();
      server.close();
      await proxy.setMode('pass');
      await sql.end({ timeout: 1 });
      await proxy.close();
    },
  };
}

/** Telegram delivers an update again after a non-2xx answer, until it gets 200. */
async function deliverUntilAccepted(post: (id: number) => Promise<number>, id: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const status = await post(id);
    if (status === 200) return;
    assert.equal(status, 503);
    assert.ok(attempt < 10, `update ${id} still refused after ${attempt} deliveries`);
  }
}

describe('while the database is unreachable', () => {
  for (const mode of ['refuse', 'reset', 'freeze'] as ProxyMode[]) {
    // Without a bound, a frozen connection held every request for as long as TCP keeps trying
    // (minutes), and a refused one queued requests behind postgres.js's reconnects; Telegram
    // reads an answer for 60 s and sends a chat's next update only after it.
    test(`${mode}: ${CONCURRENT} concurrent deliveries each get 503, /healthz says "down", and nothing is lost or doubled`, { timeout: 60_000 }, async () => {
      await db.sql`truncate jobs, processed_webhooks`;
      const hook = await startBehindProxy();
      try {
        const base = mode === 'refuse' ? 1 : mode === 'reset' ? 1001 : 2001;
        assert.equal(await hook.post(base), 200, 'a warm instance with an open connection');
        await hook.proxy.setMode(mode);
        const ids = Array.from({ length: CONCURRENT }, (_, i) => base + 1 + i);
        const statuses = await Promise.all(ids.map((id) => hook.post(id)));
        assert.deepEqual(statuses, ids.map(() => 503));
        const health = await hook.health();
        assert.equal(health.status, 503);
        assert.deepEqual(JSON.parse(health.text), { ok: false, state: 'running', database: 'down' });
        assert.ok(!health.text.includes(String(hook.proxy.port)), 'no host or port in the answer');

        await hook.proxy.setMode('pass');
        for (const id of ids) await deliverUntilAccepted(hook.post, id);
        const [counts] = await db.sql<{ jobs: number; distinct_updates: number }[]>`
          select count(*)::int as jobs, count(distinct payload->'update_id')::int as distinct_updates from jobs`;
        assert.deepEqual({ ...counts }, { jobs: CONCURRENT + 1, distinct_updates: CONCURRENT + 1 });
        assert.equal((await hook.health()).status, 200);
      } finally {
        await hook.close();
      }
    });
  }
});
