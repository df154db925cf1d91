import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createSql } from '../shared/db/createSql.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { secretMatches } from '../shared/ingress/secretMatches.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { startWebhookServer } from './support/startWebhookServer.js';
import { testLogger } from './support/testLogger.js';

const SECRET = 'test-secret_123';
let db: TestDatabase;
let hook: Awaited<ReturnType<typeof startWebhookServer>>;

before(async () => {
  db = await createTestDatabase();
  hook = await startWebhookServer(db.sql, SECRET);
});
after(async () => { await hook.close(); await db.drop(); });
beforeEach(async () => { await db.sql`truncate jobs, processed_webhooks`; });

const dm = (updateId: number, text = '/start', chatId = 42) => ({
  update_id: updateId,
  message: { message_id: updateId, date: 1, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'A' }, text },
});

function post(body: string | object, headers: Record<string, string> = { 'x-telegram-bot-api-secret-token': SECRET }, method = 'POST') {
  return fetch(hook.url, {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
}

async function counts() {
  const [row] = await db.sql<{ jobs: number; seen: number }[]>`
    select (select count(*)::int from jobs) as jobs, (select count(*)::int from processed_webhooks) as seen`;
  return { ...row! };
}

describe('the webhook', () => {
  test('accepts an update: 200, one job holding the update as sent, keyed by chat, interactive', async () => {
    const res = await post(dm(1));
    assert.equal(res.status, 200);
    const jobs = await db.sql`select type, payload, priority, serial_key, state from jobs`;
    assert.equal(jobs.length, 1);
    assert.deepEqual({ ...jobs[0] }, { type: 'telegram_update', payload: dm(1), priority: 0, serial_key: 'chat:42', state: 'queued' });
  });

  test('a wrong or missing secret gets 401 and writes nothing', async () => {
    assert.equal((await post(dm(2), { 'x-telegram-bot-api-secret-token': 'wrong' })).status, 401);
    assert.equal((await post(dm(3), {})).status, 401);
    assert.deepEqual(await counts(), { jobs: 0, seen: 0 });
  });

  test('only POST is allowed', async () => {
    const res = await post('', undefined, 'GET');
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
    assert.equal((await post(dm(4), undefined, 'PUT')).status, 405);
  });

  test('a body over 1 MiB gets 413 and writes nothing', async () => {
    const big = JSON.stringify({ ...dm(5), message: { ...dm(5).message, text: 'x'.repeat(1024 * 1024) } });
    assert.equal((await post(big)).status, 413);
    assert.deepEqual(await counts(), { jobs: 0, seen: 0 });
  });

  test('a chunked body that grows past 1 MiB is cut off with 413', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(chunk));
        controller.close();
      },
    });
    const res = await fetch(hook.url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: stream, duplex: 'half' } as RequestInit);
    assert.equal(res.status, 413);
    assert.deepEqual(await counts(), { jobs: 0, seen: 0 });
  });

  test('a body that is not JSON, or has no integer update_id, gets 400 and writes nothing', async () => {
    for (const body of ['not json', '[]', 'null', '{}', '{"update_id":"7"}', '{"update_id":1.5}', '{"update_id":-1}', '{"update_id":1e300}']) {
      assert.equal((await post(body)).status, 400, body);
    }
    assert.deepEqual(await counts(), { jobs: 0, seen: 0 });
  });

  test('the same update delivered 5 times at once yields one job', async () => {
    const statuses = await Promise.all(Array.from({ length: 5 }, () => post(dm(10)).then((r) => r.status)));
    assert.deepEqual(statuses, [200, 200, 200, 200, 200]);
    assert.deepEqual(await counts(), { jobs: 1, seen: 1 });
  });

  test('a redelivery after the first job finished and left the table yields no job', async () => {
    await post(dm(11));
    await db.sql`delete from jobs`;
    assert.equal((await post(dm(11))).status, 200);
    assert.deepEqual(await counts(), { jobs: 0, seen: 1 });
  });

  test('updates are routed: join requests and member changes are background work, keyed sensibly', async () => {
    await post({ update_id: 20, chat_join_request: { chat: { id: -100, type: 'supergroup' }, from: { id: 7 }, user_chat_id: 7, date: 1 } });
    await post({ update_id: 21, callback_query: { id: 'q', from: { id: 8 }, chat_instance: 'c', data: 'x', message: { message_id: 1, date: 1, chat: { id: 8, type: 'private' } } } });
    await post({ update_id: 22, pre_checkout_query: { id: 'p', from: { id: 9 }, currency: 'XTR', total_amount: 1, invoice_payload: 'x' } });
    const rows = await db.sql`select payload->'update_id' as u, priority, serial_key from jobs order by 1`;
    assert.deepEqual(rows.map((r) => ({ ...r })), [
      { u: 20, priority: 20, serial_key: 'join:7' },
      { u: 21, priority: 0, serial_key: 'chat:8' },
      { u: 22, priority: 0, serial_key: null },
    ]);
  });

  test('answers 503 when the database cannot be reached, so Telegram delivers again', async () => {
    const deadSql = createSql('postgres://postgres@127.0.0.1:1/none', { max: 1, connectTimeout: 1 });
    const handle = createWebhookHandler({ sql: deadSql, secret: SECRET, log: testLogger });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`, {
        method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(dm(30)),
      });
      assert.equal(res.status, 503);
    } finally {
      server.close();
      await deadSql.end({ timeout: 1 });
    }
  });
});

describe('secret comparison', () => {
  test('matches only the exact secret', () => {
    assert.equal(secretMatches('abc', 'abc'), true);
    assert.equal(secretMatches('abd', 'abc'), false);
    assert.equal(secretMatches('abcd', 'abc'), false);
    assert.equal(secretMatches('', 'abc'), false);
    assert.equal(secretMatches(undefined, 'abc'), false);
  });
});
