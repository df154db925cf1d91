import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { chatMember, serverError } from '../../emulator/telegram/index.js';
import type { TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { broadcastProgressJob } from '../../shared/modules/broadcasts/broadcastProgressJob.js';
import { broadcastSendJob } from '../../shared/modules/broadcasts/broadcastSendJob.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { createSql } from '../../shared/db/createSql.js';
import { needsServer, type TestDatabase } from '../support/testDatabase.js';
import { type Stack, startStack } from '../support/startStack.js';
import { broadcastAdmin, broadcastCopies, button, forgePress, quietActiveGroups, runBroadcast, WAIT, waitForReport } from './broadcastSupport.js';

// Broadcasts end to end: an operator composes one in a DM, the worker sends a copy with its
// debug code to every recipient, classifies Telegram's errors, and reports.

let stack: Stack;
let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  // Concurrency 4: the stop test blocks running sends on a row lock, each holding one of the
  // pool's 10 connections, and the webhook and the worker still need some.
  stack = await startStack({ botSettings: { ...defaultBotSettings, broadcast: { messagesPerSecond: 30, groupMessagesPerMinute: 20 } }, runner: { concurrency: 4 } });
  ({ db, telegram } = stack);
});
after(async () => { await stack.stop(); });

// Each test's groups are new, and earlier tests' groups are deactivated first, so that
// "all active groups" is this test's groups.
async function freshAudience() {
  await db.sql`update groups set active = false`;
  await db.sql`update users set unreachable_since = now()`;
}

describe('broadcasts', () => {
  test('someone who is not an operator cannot start one: /broadcast is an unknown command to them', async () => {
    const user = telegram.createUser({ first_name: 'Nobody' });
    user.sendCommand('/broadcast');
    // The answer an unknown command gets: nothing admits the command exists.
    assert.match((await telegram.waitForBotMessage(user, undefined, WAIT)).text!, /I do not know that command/);
  });

  test('an operator sends text to every active group once, with a debug code recorded with the message id, and gets a report', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Olga');
    const groups = await quietActiveGroups(telegram, db.sql, admin, 3);
    const inactive = telegram.createGroup({ title: 'Inactive', creator: admin });
    await runBroadcast(telegram, admin, 'groups', 'Hello, groups!');
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /finished\nSent: 3 of 3$/);
    const sent = await db.sql<{ chat_id: number; message_id: number; debug_code: string }[]>`select chat_id, message_id, debug_code from sent_messages order by chat_id desc`;
    assert.equal(sent.length, 3);
    for (const group of groups) {
      const copies = broadcastCopies(telegram, group.id);
      assert.equal(copies.length, 1);
      const row = sent.find((r) => r.chat_id === group.id)!;
      assert.equal(copies[0]!.text, `Hello, groups!\n\n#${row.debug_code}`);
      assert.equal(copies[0]!.message_id, row.message_id);
    }
    assert.equal(broadcastCopies(telegram, inactive.id).length, 0);
  });

  test('kicked groups are deactivated and reported, a migrated group gets it at its new id, a 5xx is retried', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Kim');
    const ok = await quietActiveGroups(telegram, db.sql, admin, 3);
    const kicked = await quietActiveGroups(telegram, db.sql, admin, 10);
    const [basic] = await quietActiveGroups(telegram, db.sql, admin, 1, 'group');
    for (const g of kicked) telegram.world.setMember(telegram.world.chats.get(g.id)!, chatMember(telegram.world.botUser, 'kicked'));
    const { newChatId } = basic!.upgradeToSupergroup();
    telegram.failNext('sendMessage', serverError(502), { chatId: ok[0]!.id });

    await runBroadcast(telegram, admin, 'groups', 'Mind the errors');
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /Sent: 4 of 14/);
    assert.match(report.text!, /Failed: 10\n• the bot was removed: 10/);
    assert.match(report.text!, /Groups deactivated: 10/);
    assert.equal((await db.sql`select 1 from groups where chat_id in ${db.sql(kicked.map((g) => g.id))} and not active and deactivated_reason = 'bot_kicked'`).length, 10);
    assert.equal(broadcastCopies(telegram, newChatId).length, 1);
    assert.equal((await db.sql`select 1 from groups where chat_id = ${newChatId} and active`).length, 1);
    assert.equal(broadcastCopies(telegram, ok[0]!.id).length, 1);
    // Kim was the admin of every group: ten were deactivated, and the four still active keep unlimited points.
    assert.equal((await db.sql<{ u: boolean }[]>`select unlimited_points as u from users where id = ${admin.id}`)[0]!.u, true);
  });

  test('to all users: a user who blocked the bot is reported and marked unreachable', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Uma');
    const users = [0, 1, 2].map((i) => telegram.createUser({ first_name: `Reader${i}` }));
    for (const u of users) {
      u.sendCommand('/start');
      await telegram.waitForBotMessage(u, undefined, WAIT);
    }
    await db.sql`update users set unreachable_since = null where id in ${db.sql([admin.id, ...users.map((u) => u.id)])}`;
    // Blocked without an update reaching the bot: it learns from the failed send.
    telegram.world.setMember(telegram.world.chats.get(users[2]!.id)!, chatMember(telegram.world.botUser, 'kicked'));
    await runBroadcast(telegram, admin, 'users', 'Hello, users!');
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /Sent: 3 of 4\nFailed: 1\n• the user blocked the bot: 1/);
    assert.equal(broadcastCopies(telegram, users[0]!.id).length, 1);
    assert.equal((await db.sql`select 1 from users where id = ${users[2]!.id} and unreachable_since is not null`).length, 1);
  });

  test('a delivery found "sending" (its worker died mid-call) is marked unknown and never sent again', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Ivan');
    const groups = await quietActiveGroups(telegram, db.sql, admin, 2);
    // As if a worker had died during the call: the delivery to the first group is 'sending'
    // from the moment it exists, so its send job, whenever it runs, finds it so.
    await db.sql`create function crashed_mid_send() returns trigger language plpgsql as $$ begin new.state := 'sending'; return new; end $$`;
    await db.sql.unsafe(`create trigger crashed_mid_send before insert on broadcast_deliveries for each row
      when (new.chat_id = ${Number(groups[0]!.id)}) execute function crashed_mid_send()`);
    let report;
    try {
      await runBroadcast(telegram, admin, 'groups', 'Careful');
      report = await waitForReport(telegram, admin);
    } finally {
      await db.sql`drop trigger crashed_mid_send on broadcast_deliveries`;
      await db.sql`drop function crashed_mid_send()`;
    }
    assert.match(report.text!, /Sent: 1 of 2\nOutcome unknown \(a worker stopped during the send; not resent\): 1/);
    assert.equal(broadcastCopies(telegram, groups[0]!.id).length, 0);
    assert.equal(broadcastCopies(telegram, groups[1]!.id).length, 1);
  });

  // The embedded database runs one transaction at a time: the lock below would stop everything.
  test('the operator can stop a running broadcast; the rest is not sent and the report says so', { skip: needsServer }, async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Stella');
    await quietActiveGroups(telegram, db.sql, admin, 40);
    // Every send reserves the global send slot first: while another connection holds that row,
    // the running sends wait there, before any is marked or sent, however long the operator takes.
    await db.sql`insert into send_slots (key, next_at) values ('global', now()) on conflict (key) do update set next_at = now()`;
    const locker = createSql(db.url, { max: 1 });
    let release!: () => void;
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => { locked = r; });
    const holding = locker.begin(async (tx) => {
      await tx`select 1 from send_slots where key = 'global' for update`;
      locked();
      await new Promise<void>((r) => { release = r; });
    });
    try {
      await isLocked;
      const progress = await runBroadcast(telegram, admin, 'groups', 'Stop me');
      const press = admin.pressButton(progress, /bc:stop:\d+/.exec(JSON.stringify(telegram.messagesIn(admin).find((m) => m.message_id === progress.message_id)!.reply_markup))![0]);
      await telegram.waitFor(() => telegram.callbackAnswer(press.update.callback_query!.id), WAIT);
    } finally {
      release();
      await holding;
      await locker.end({ timeout: 1 });
    }
    const report = await waitForReport(telegram, admin);
    // Stopped before any send was marked: the waiting sends find their delivery cancelled.
    assert.match(report.text!, /stopped\nSent: 0 of 40; not sent: 40/);
    assert.equal((await db.sql`select 1 from sent_messages s join broadcast_deliveries d on d.chat_id = s.chat_id join broadcasts b on b.id = d.broadcast_id where b.admin_user_id = ${admin.id}`).length, 0);
  });

  test('a forged button (an id out of range, an unknown action) is answered once and changes nothing', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Fred');
    admin.sendCommand('/broadcast');
    const ask = await telegram.waitForBotMessage(admin, (m) => /Who should receive it/.test(m.text ?? ''), WAIT);
    const forged = ['bc:go:99999999999999999999', 'bc:aud:groups:99999999999999999999', 'bc:stop:-1', 'bc:launch:1', 'bc:go:1e3'];
    const ids = [];
    for (const data of forged) ids.push(await forgePress(telegram, admin, ask, data));
    await stack.drained();
    for (const id of ids) {
      assert.equal(telegram.callsTo('answerCallbackQuery').filter((c) => c.params.callback_query_id === id).length, 1, 'answered once');
      assert.match(String(telegram.callbackAnswer(id)?.text), /no longer waiting for you/);
    }
    assert.deepEqual([...await db.sql`select id, last_error from jobs where state = 'failed'`], [], 'no update failed');
    assert.equal((await db.sql`select 1 from broadcasts where admin_user_id = ${admin.id} and state = 'draft' and audience is null`).length, 1, 'the draft is untouched');
  });

  test('every button checks the presser is still an operator: one who lost it cannot send their draft', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Gwen');
    await quietActiveGroups(telegram, db.sql, admin, 2);
    admin.sendCommand('/broadcast');
    const ask = await telegram.waitForBotMessage(admin, (m) => /Who should receive it/.test(m.text ?? ''), WAIT);
    admin.pressButton(ask, button(ask, 0));
    await telegram.waitFor(() => telegram.messagesIn(admin).find((m) => m.message_id === ask.message_id && /Send the message/.test(m.text ?? '')), WAIT);
    admin.sendMessage('Not any more');
    const confirm = await telegram.waitForBotMessage(admin, (m) => /This is how it will look/.test(m.text ?? ''), WAIT);
    await db.sql`update users set is_admin = false where id = ${admin.id}`;
    const press = admin.pressButton(confirm, button(confirm, 0));
    await press.delivered;
    await stack.drained();
    const answer = telegram.callbackAnswer(press.update.callback_query!.id);
    assert.ok(answer, 'answered');
    assert.equal(answer.text, undefined, 'with nothing to read, as an old button');
    assert.equal((await db.sql`select 1 from broadcasts where admin_user_id = ${admin.id} and state = 'draft'`).length, 1, 'still a draft');
    assert.equal((await db.sql`select 1 from broadcast_deliveries d join broadcasts b on b.id = d.broadcast_id where b.admin_user_id = ${admin.id}`).length, 0);
  });

  test('the report survives failed sends: four 502s on it, then it arrives, once', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Rita');
    await quietActiveGroups(telegram, db.sql, admin, 2);
    const progress = await runBroadcast(telegram, admin, 'groups', 'Report me');
    // The admin's chat gets no other sendMessage until the report: progress is edited in place.
    telegram.failNext('sendMessage', serverError(502), { chatId: admin.id, times: 4 });
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /finished\nSent: 2 of 2$/);
    await stack.drained();
    assert.equal(telegram.messagesIn(admin).filter((m) => /Broadcast #\d+ finished/.test(m.text ?? '') && m.message_id !== progress.message_id).length, 1);
    assert.deepEqual([...await db.sql`select state, report_state from broadcasts where admin_user_id = ${admin.id}`], [{ state: 'finished', report_state: 'sent' }]);
  });

  test('deliveries whose send job died are settled (failed, or unknown if in flight), so the broadcast finishes', async () => {
    await freshAudience();
    const admin = await broadcastAdmin(telegram, db.sql, 'Dora');
    await quietActiveGroups(telegram, db.sql, admin, 2);
    // One delivery whose job is gone while it was pending, one whose job is dead mid-send: added
    // by a test trigger in the very transaction that starts the broadcast, so they exist before
    // any send can run and the broadcast cannot finish without them, however slow the machine.
    await db.sql.unsafe(`create function add_dead_deliveries() returns trigger language plpgsql as $$
      begin
        insert into broadcast_deliveries (broadcast_id, chat_id, state, debug_code) values (new.id, -4242001, 'pending', 'bdead01');
        with d as (insert into broadcast_deliveries (broadcast_id, chat_id, state, debug_code) values (new.id, -4242002, 'sending', 'bdead02') returning id)
        insert into jobs (type, payload, state, priority) select 'broadcast_send', jsonb_build_object('deliveryId', d.id), 'failed', 100 from d;
        return new;
      end $$`);
    await db.sql.unsafe(`create trigger add_dead_deliveries after update of state on broadcasts for each row
      when (old.state = 'draft' and new.state = 'running' and new.admin_user_id = ${Number(admin.id)}) execute function add_dead_deliveries()`);
    try {
      await runBroadcast(telegram, admin, 'groups', 'Dead jobs');
    } finally {
      await db.sql`drop trigger add_dead_deliveries on broadcasts`;
      await db.sql`drop function add_dead_deliveries()`;
    }
    const [gone, dead] = await db.sql<{ id: number }[]>`
      select d.id from broadcast_deliveries d join broadcasts b on b.id = d.broadcast_id
      where b.admin_user_id = ${admin.id} and d.chat_id in (-4242001, -4242002) order by d.chat_id desc`;
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /Sent: 2 of 4\nFailed: 1\n• its send job stopped for good: 1\nOutcome unknown/);
    const states = await db.sql<{ id: number; state: string }[]>`select id, state from broadcast_deliveries where id in ${db.sql([gone!.id, dead!.id])} order by id`;
    assert.deepEqual(states.map((r) => r.state), ['failed', 'unknown']);
  });

  test('a broadcast where nothing moves for an hour gives the rest up and reports: the progress chain ends', async () => {
    const admin = await broadcastAdmin(telegram, db.sql, 'Hana');
    admin.sendCommand('/start');
    await telegram.waitForBotMessage(admin, undefined, WAIT);
    const [b] = await db.sql<{ id: number }[]>`
      insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
      values (${admin.id}, ${admin.id}, 'groups', 'Stuck', 'running', now() - interval '2 hours') returning id`;
    const [d] = await db.sql<{ id: number }[]>`
      insert into broadcast_deliveries (broadcast_id, chat_id, debug_code) values (${b!.id}, -4242003, 'bstuck1') returning id`;
    // A live send job that will not run for a day (think of a retry_after that long).
    await enqueue(db.sql, broadcastSendJob, { deliveryId: d!.id }, { runAt: new Date(Date.now() + 86_400_000) });
    await enqueue(db.sql, broadcastProgressJob, { broadcastId: b!.id, tick: 1800, remaining: 1, stalledSince: Date.now() - 2 * 3_600_000 });
    const report = await waitForReport(telegram, admin);
    assert.match(report.text!, /Sent: 0 of 1\nFailed: 1\n• nothing moved for an hour: 1/);
    await db.sql`delete from jobs where type = 'broadcast_send' and payload->>'deliveryId' = ${String(d!.id)}`;
  });
});

