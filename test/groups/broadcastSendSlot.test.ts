import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Api } from 'grammy';
import { chatMember, TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import type { Sql } from '../../shared/db/createSql.js';
import { broadcastSendHandler } from '../../shared/modules/broadcasts/broadcastSendHandler.js';
import { startBroadcast } from '../../shared/modules/broadcasts/startBroadcast.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { testLogger } from '../support/testLogger.js';

// One send job run directly against a database that answers slowly, as a loaded machine's
// does: the job must still send its copy.

let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  db = await createTestDatabase();
  telegram = await TelegramEmulator.start();
});
after(async () => {
  await telegram.close();
  await db.drop();
});

/**
 * The pool, with every answer arriving `delayMs` late, and at most `budget` queries: a run that
 * loops without end fails instead of hanging the test.
 */
function slowSql(sql: Sql, delayMs: number, budget: number): Sql {
  let used = 0;
  return new Proxy(sql, {
    apply(target, self, args) {
      if (++used > budget) return Promise.reject(new Error(`more than ${budget} queries for one send`));
      const query = Reflect.apply(target, self, args) as Promise<unknown>;
      return query.then(async (rows) => { await new Promise((r) => setTimeout(r, delayMs)); return rows; });
    },
  });
}

/** A running broadcast to one new group the bot is an admin of; returns its delivery. */
async function oneDelivery(title: string): Promise<{ deliveryId: number; chatId: number }> {
  const admin = telegram.createUser({ first_name: 'Slow' });
  await db.sql`insert into users (id, first_name, is_admin) values (${admin.id}, 'Slow', true)`;
  const group = telegram.createGroup({ title, creator: admin });
  telegram.world.setMember(telegram.world.chats.get(group.id)!, chatMember(telegram.world.botUser, 'administrator'));
  await db.sql`update groups set active = false`;
  await db.sql`insert into groups (chat_id, title, type, bot_status, admin_user_id, registered_at, active)
    values (${group.id}, ${group.title}, 'supergroup', 'administrator', ${admin.id}, now(), true)`;
  const [b] = await db.sql<{ id: number }[]>`
    insert into broadcasts (admin_user_id, admin_chat_id, audience, text) values (${admin.id}, ${admin.id}, 'groups', ${title}) returning id`;
  assert.equal(await startBroadcast(db.sql, b!.id, admin.id, 1), 1);
  const [d] = await db.sql<{ id: number }[]>`select id from broadcast_deliveries where broadcast_id = ${b!.id}`;
  return { deliveryId: d!.id, chatId: group.id };
}

/** Runs the send job for a delivery as the worker would, on `sql`. */
async function runSend(sql: Sql, deliveryId: number): Promise<void> {
  const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
  const handler = broadcastSendHandler({ api, notifyApi: api, settings: { ...defaultBotSettings, broadcast: { messagesPerSecond: 30, groupMessagesPerMinute: 20 } } });
  await handler.bind({ deliveryId }).run({
    sql, log: testLogger, signal: new AbortController().signal,
    job: { id: 1, type: 'broadcast_send', payload: { deliveryId }, priority: 100, attempts: 1, max_attempts: 5, serial_key: null },
  });
}

const sentCopies = (chatId: number, title: string) => telegram.messagesIn(chatId).filter((m) => (m.text ?? '').startsWith(`${title}\n\n#b`)).length;

test('with an idle send slot and slow database answers, a send still goes out (its slot leaves time to mark it)', async () => {
  const { deliveryId, chatId } = await oneDelivery('Slowly');
  await runSend(slowSql(db.sql, 15, 60), deliveryId);
  assert.deepEqual([...await db.sql`select state from broadcast_deliveries where id = ${deliveryId}`], [{ state: 'sent' }]);
  assert.equal(sentCopies(chatId, 'Slowly'), 1);
});

test('answers slower than any slot: the run sends late after a few misses, and keeps the group\'s slot meanwhile', async () => {
  const { deliveryId, chatId } = await oneDelivery('Very slowly');
  const started = Date.now();
  await runSend(slowSql(db.sql, 150, 100), deliveryId);
  assert.deepEqual([...await db.sql`select state from broadcast_deliveries where id = ${deliveryId}`], [{ state: 'sent' }]);
  assert.equal(sentCopies(chatId, 'Very slowly'), 1);
  // Each reservation of the group's slot moves it 3 s on (20 a minute). Taking a new one after
  // every miss put it 18 s on (six reservations, sleeping 3 s for each); kept for half an
  // interval, a few are taken while the run's queries crawl.
  const [slot] = await db.sql<{ at: number }[]>`select extract(epoch from next_at) * 1000 as at from send_slots where key = ${`chat:${chatId}`}`;
  assert.ok(Number(slot!.at) < started + 13_000, `the group's slot was reserved after every miss: next ${Number(slot!.at) - started} ms after the start`);
});
