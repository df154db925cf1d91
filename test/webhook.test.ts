import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import postgres from 'postgres';
import { type Sql, createSql } from '../shared/db/createSql.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { secretMatches } from '../shared/ingress/secretMatches.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dollarQuoted, recordUpdates } from '../shared/ingress/recordUpdates.js';
import { routeUpdate } from '../shared/telegram/routeUpdate.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';
import { lockWaits } from './support/lockWaits.js';
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

describe('updates PostgreSQL cannot store as sent', () => {
  /** A webhook whose log lines are counted. */
  async function startCounting() {
    const errors: string[] = [];
    const log = { error: (_obj: object, msg: string) => { errors.push(msg); } };
    const handle = createWebhookHandler({ sql: db.sql, secret: SECRET, log, poolMax: 1 });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`;
    const send = (body: string) => fetch(url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body }).then((r) => r.status);
    return { errors, send, close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }) };
  }

  test('a NUL or a lone surrogate is repaired and the update recorded: 200, not 503', async () => {
    const hook = await startCounting();
    try {
      // As Telegram would send them: JSON escapes, which jsonb refuses (22P05, 22P02).
      assert.equal(await hook.send(JSON.stringify(dm(40, 'a\u0000b'))), 200);
      assert.equal(await hook.send('{"update_id":41,"message":{"message_id":41,"date":1,"chat":{"id":42,"type":"private"},"text":"x\\u0000y"}}'), 200);
      assert.equal(await hook.send('{"update_id":42,"message":{"message_id":42,"date":1,"chat":{"id":42,"type":"private"},"text":"lone \\ud800 surrogate"}}'), 200);
      const rows = await db.sql<{ u: number; text: string }[]>`select (payload->>'update_id')::int as u, payload->'message'->>'text' as text from jobs order by id`;
      assert.deepEqual(rows.map((r) => ({ ...r })), [
        { u: 40, text: 'ab' },
        { u: 41, text: 'xy' },
        { u: 42, text: 'lone \ufffd surrogate' },
      ]);
      assert.deepEqual(hook.errors, []);
    } finally {
      await hook.close();
    }
  });

  test('an update nested 100,000 deep is answered 200 and logged once, not retried forever with 503', async () => {
    const hook = await startCounting();
    try {
      const deep = `{"update_id":50,"message":{"message_id":50,"date":1,"chat":{"id":42,"type":"private"},"text":"x","entities":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
      assert.equal(await hook.send(deep), 200);
      // Refused before the database (PostgreSQL would stop at 54001; PGlite can overflow its
      // WASM stack and stop answering): logged once, nothing stored, on either database.
      assert.equal(hook.errors.length, 1);
      assert.match(hook.errors[0]!, /update dropped/);
      assert.deepEqual(await counts(), { jobs: 0, seen: 0 });
      // The database still answers the next update.
      assert.equal(await hook.send(JSON.stringify(dm(51))), 200);
      assert.deepEqual(await counts(), { jobs: 1, seen: 1 });
    } finally {
      await hook.close();
    }
  });

  test('brackets and escaped quotes inside strings are text, not nesting: such an update is stored', async () => {
    const hook = await startCounting();
    try {
      const text = `${'['.repeat(200)} \\" {{{ ${'{'.repeat(200)}`;
      assert.equal(await hook.send(JSON.stringify(dm(60, text))), 200);
      const [row] = await db.sql<{ text: string }[]>`select payload->'message'->>'text' as text from jobs`;
      assert.equal(row?.text, text);
      assert.deepEqual(hook.errors, []);
    } finally {
      await hook.close();
    }
  });

  test('one such update among many arriving at once costs the others nothing', async () => {
    const hook = await startCounting();
    try {
      const bodies = Array.from({ length: 30 }, (_, i) => JSON.stringify(dm(100 + i, `/start ${i}`, 500 + (i % 3))));
      bodies[7] = '{"update_id":107,"message":{"message_id":107,"date":1,"chat":{"id":501,"type":"private"},"text":"bad \\u0000"}}';
      bodies[13] = `{"update_id":113,"message":{"message_id":113,"date":1,"chat":{"id":501,"type":"private"},"entities":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`;
      const statuses = await Promise.all(bodies.map((b) => hook.send(b)));
      assert.deepEqual(statuses, bodies.map(() => 200));
      assert.deepEqual(await counts(), { jobs: 29, seen: 29 });
      assert.equal(hook.errors.length, 1, 'the unrepairable one is logged, once');
    } finally {
      await hook.close();
    }
  });
});

describe('the batch in the statement\'s text (one round trip without prepared statements)', () => {
  test('a text that holds the quote\'s tag, or ends with part of it, still gets a tag it cannot close', () => {
    assert.equal(dollarQuoted('{}'), '$u0${}$u0$');
    assert.equal(dollarQuoted('a $u0$ b'), '$u1$a $u0$ b$u1$');
    assert.equal(dollarQuoted('ends with $u0'), '$u1$ends with $u0$u1$');
    assert.equal(dollarQuoted('$u0$ and $u1$ and $u2'), '$u3$$u0$ and $u1$ and $u2$u3$');
  });

  test('whatever the update\'s text (quotes, dollar tags, SQL), it is stored exactly as sent', async () => {
    const texts = ["'); drop table jobs; --", '$u0$', 'ends with $u0', '$$ $u1$ \\ \' " $tag$', 'E\'\\x41\''];
    const records = texts.map((text, i) => {
      const update = dm(900 + i, text, 900 + i);
      return { updateId: update.update_id, body: JSON.stringify(update), route: routeUpdate(update) };
    });
    assert.deepEqual([...await recordUpdates(db.sql, records)].sort(), records.map((r) => r.updateId));
    const stored = await db.sql<{ text: string }[]>`select payload->'message'->>'text' as text from jobs order by (payload->>'update_id')::int`;
    assert.deepEqual(stored.map((r) => r.text), texts);
  });

  test('sends no parameters: postgres.js sends an unprepared statement with parameters in two round trips', async () => {
    const sent: { query: string; parameters: unknown[] }[] = [];
    // The webhook's pool options (api/telegram.ts), plus the hook that sees every statement.
    const sql = postgres(db.url, { max: 1, prepare: false, fetch_types: false, onnotice: () => {}, debug: (_connection, query, parameters) => sent.push({ query, parameters }) });
    try {
      const update = dm(950);
      await recordUpdates(sql as unknown as Sql, [{ updateId: 950, body: JSON.stringify(update), route: routeUpdate(update) }]);
      assert.equal(sent.length, 1);
      assert.deepEqual(sent[0]!.parameters, []);
      assert.match(sent[0]!.query, /"update_id":950/);
    } finally {
      await sql.end({ timeout: 1 });
    }
  });
});

describe('many updates at once (one instance, many concurrent requests)', () => {
  test('each is recorded once, each chat in the order sent, duplicates among them included', async () => {
    const handle = createWebhookHandler({ sql: db.sql, secret: SECRET, log: testLogger, poolMax: 2 });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`;
    try {
      const ids = Array.from({ length: 60 }, (_, i) => 200 + i);
      const deliveries = [...ids, ...ids.slice(0, 10)]; // ten delivered twice at once
      const statuses = await Promise.all(deliveries.map((id) => fetch(url, {
        method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(dm(id, 'hi', 900 + (id % 4))),
      }).then((r) => r.status)));
      assert.deepEqual(statuses, deliveries.map(() => 200));
      assert.deepEqual(await counts(), { jobs: 60, seen: 60 });
      // Requests on several connections may reach the server in any order; within one key the
      // jobs' order must be the order the statements recorded them: by id, strictly one each.
      const rows = await db.sql<{ key: string; n: number; distinct_ids: number }[]>`
        select serial_key as key, count(*)::int as n, count(distinct payload->'update_id')::int as distinct_ids from jobs group by 1 order by 1`;
      assert.deepEqual(rows.map((r) => r.n), [15, 15, 15, 15]);
      assert.deepEqual(rows.map((r) => r.distinct_ids), [15, 15, 15, 15]);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('two batches holding the same updates', () => {
  // A redelivery can reach one connection while the first delivery's batch runs on another,
  // the ids in another order. The other batch is played here by an open transaction that has
  // recorded update 501 and will record 502 next; the batch gets them as 502, 501.
  test('wait for each other instead of deadlocking: the batch records what the other did not', { skip: needsServer }, async () => {
    const other = createSql(db.url, { max: 1 });
    try {
      let release!: () => void;
      const holding = new Promise<void>((r) => { release = r; });
      let recorded!: () => void;
      const recorded501 = new Promise<void>((r) => { recorded = r; });
      const otherTx = other.begin(async (tx) => {
        await tx`insert into processed_webhooks (update_id) values (501)`;
        recorded();
        await holding;
        await tx`insert into processed_webhooks (update_id) values (502)`;
      });
      const records = [502, 501].map((id) => {
        const update = dm(id);
        return { updateId: id, body: JSON.stringify(update), route: routeUpdate(update) };
      });
      await recorded501;
      const batch = recordUpdates(db.sql, records);
      // Once the batch waits on a row the other transaction holds, let that one go on.
      await lockWaits(db.sql, 1, { queryLike: '%processed_webhooks%' });
      release();
      await otherTx;
      assert.deepEqual([...await batch], [], 'both ids were the other transaction\'s');
      assert.deepEqual(await counts(), { jobs: 0, seen: 2 });
    } finally {
      await other.end({ timeout: 1 });
    }
  });
});

describe('on Fluid compute', () => {
  test('each request reports its statement settled (the pool release) and the NOTIFY after the answer is kept alive', async () => {
    let released = 0;
    const kept: Promise<unknown>[] = [];
    let notified = 0;
    const handle = createWebhookHandler({
      sql: db.sql, secret: SECRET, log: testLogger, poolMax: 1,
      wake: () => { notified++; return Promise.resolve(); },
      keepAlive: (p) => kept.push(p),
      onDatabaseIdle: () => { released++; },
    });
    const server = createServer((req, res) => void handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/telegram`;
    try {
      for (const id of [300, 301, 302, 300]) {
        const res = await fetch(url, { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(dm(id)) });
        assert.equal(res.status, 200);
      }
      assert.equal(released, 4, 'one release per request, the duplicate included');
      assert.equal(notified, 3, 'a wake-up per new job, none for the duplicate');
      assert.equal(kept.length, 3, 'each wake-up kept alive past the answer');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
