import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { createTranslator } from '../../shared/i18n/createTranslator.js';
import { htmlToText } from '../../shared/i18n/htmlToText.js';
import { readAuditLog } from '../../shared/modules/audit/readAuditLog.js';
import { isBanned } from '../../shared/modules/users/isBanned.js';
import { forgePress, waitForReport } from '../groups/broadcastSupport.js';
import { type Stack, startStack } from '../support/startStack.js';
import type { TestDatabase } from '../support/testDatabase.js';
import { ADMIN_COMMAND_LINES, ask, buttonsOf, registeredUser, WAIT } from './adminSupport.js';

// The admin commands end to end: refused to anyone who is not an admin exactly as an unknown
// command is, and for an admin: statistics, finding a user, bans, a broadcast to all users.

const ADMIN_ID = 880_000_001;
const en = createTranslator('en');
const UNKNOWN = htmlToText(en('unknown_command'));

let stack: Stack;
let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  // The command rate limit (tested on its own) is lifted: these tests send many commands a minute.
  stack = await startStack({ botSettings: { ...defaultBotSettings, adminTelegramIds: [ADMIN_ID], rateLimit: { commands: 1000, windowMs: 60_000 },
    broadcast: { messagesPerSecond: 30, groupMessagesPerMinute: 20 } } });
  ({ db, telegram } = stack);
});
after(async () => { await stack.stop(); });

/** The admin (ADMIN_TELEGRAM_IDS), registered on first use. */
async function admin() {
  return telegram.userById(ADMIN_ID) ?? registeredUser(stack, { id: ADMIN_ID, first_name: 'Olga', username: 'olga_admin' });
}

describe('admin commands refused to non-admins', () => {
  test('every admin command gets the answer an unknown command gets, and changes nothing', async () => {
    const user = await registeredUser(stack, { first_name: 'Eve' });
    const victim = await registeredUser(stack, { first_name: 'Victim', username: 'victim_user' });
    const nonsense = await ask(telegram, user, '/no_such_command');
    assert.equal(nonsense.text, UNKNOWN);
    for (const [command, arg] of [...ADMIN_COMMAND_LINES, ['admin_ban', '@victim_user spam'] as const, ['admin_ff_add', `${victim.id}`] as const]) {
      const reply = await ask(telegram, user, `/${command}${arg ? ` ${arg}` : ''}`);
      assert.equal(reply.text, UNKNOWN, `/${command}`);
      assert.equal(reply.reply_markup, undefined, `/${command} shows no buttons`);
    }
    await stack.updatesDone();
    // Exactly one answer each, nothing else: no question left open, no ban, no record.
    const replies = telegram.messagesIn(user).filter((m) => m.message_id > nonsense.message_id);
    assert.equal(replies.length, ADMIN_COMMAND_LINES.length + 2);
    assert.equal(await isBanned(db.sql, victim.id), false);
    assert.equal((await db.sql`select 1 from audit_log`).length, 0);
    assert.equal((await db.sql`select 1 from sessions where key = ${`input:${user.id}`}`).length, 0);
    assert.equal((await db.sql`select 1 from broadcasts where admin_user_id = ${user.id}`).length, 0);
    // An answer typed afterwards is a plain message, not an admin's answer.
    const plain = await ask(telegram, user, `${victim.id}`);
    assert.equal(plain.text, htmlToText(en('unknown_text')));
  });

  test('every admin button pressed by a non-admin is answered with nothing and does nothing', async () => {
    const user = await registeredUser(stack, { first_name: 'Mallory' });
    const victim = await registeredUser(stack, { first_name: 'Target' });
    await db.sql`insert into user_plans (user_id, plan, source) values (${victim.id}, 'friends_family', 'friends_family')`;
    const menu = telegram.lastBotMessage(user)!;
    const before = telegram.messagesIn(user).length;
    const actions = ['user', 'ban', 'banok', 'unban', 'ffgrant', 'ffrm', 'ffrmok'].map((a) => `adm:${a}:${victim.id}`)
      .concat(['adm:fflist', 'adm:ffcsv', 'adm:ffadd', 'adm:close', 'adm:banok:0', 'adm:nonsense']);
    const ids: string[] = [];
    for (const data of actions) ids.push(await forgePress(telegram, user, menu, data));
    await stack.updatesDone();
    for (const [i, id] of ids.entries()) {
      const answer = telegram.callbackAnswer(id);
      assert.ok(answer, `${actions[i]} answered`);
      assert.equal(answer.text, undefined, `${actions[i]} answered with nothing to read`);
    }
    assert.equal(telegram.messagesIn(user).length, before, 'no message sent or edited into being');
    assert.equal(telegram.messagesIn(user).find((m) => m.message_id === menu.message_id)!.text, menu.text, 'the pressed message is not edited');
    assert.equal(await isBanned(db.sql, victim.id), false);
    assert.equal((await db.sql`select plan from user_plans where user_id = ${victim.id}`)[0]!.plan, 'friends_family');
    assert.equal((await readAuditLog(db.sql, victim.id)).length, 0);
    assert.equal(telegram.callsTo('sendDocument').length, 0);
  });

  test('an admin question left open answers nobody once its asker is no longer an admin', async () => {
    const former = await registeredUser(stack, { first_name: 'Former' });
    await db.sql`update users set is_admin = true where id = ${former.id}`;
    const q = await ask(telegram, former, '/admin_ff_add');
    assert.match(q.text!, /Enter the user's Telegram ID or @username/);
    await stack.updatesDone();
    await db.sql`update users set is_admin = false where id = ${former.id}`;
    const reply = await ask(telegram, former, `${former.id}`);
    assert.equal(reply.text, htmlToText(en('unknown_text')));
  });
});

describe('admin commands for admins', () => {
  test('/admin_stats counts users, activity, bans, groups, posts and the queue', async () => {
    const olga = await admin();
    await db.sql`insert into users (id, first_name, last_active_on, created_at) values (1001, 'Old', (now() at time zone 'UTC')::date - 3, now() - interval '30 days'), (1002, 'Older', (now() at time zone 'UTC')::date - 10, now() - interval '30 days')`;
    await db.sql`insert into posts (user_id, state, published_at) values (1001, 'published', now()), (1001, 'published', now() - interval '3 days'), (1001, 'failed', null)`;
    await db.sql`insert into users (id, first_name, referred_by, points) values (1003, 'Invited', 1001, 7)`;
    await db.sql`insert into live_sessions (user_id, live_username, started_at, ends_at) values (1003, 'invited', now(), now() + interval '1 hour'), (1001, 'old', now() - interval '2 hours', now() - interval '1 hour')`;
    await db.sql`insert into star_payments (charge_id, user_id, plan, kind, amount, payload, created_at, refunded_at) values
      ('c-1', 1001, 'basic', 'subscription', 450, 'p1', now(), null),
      ('c-2', 1001, 'pro', 'subscription', 1450, 'p2', now() - interval '40 days', null),
      ('c-3', 1002, 'business', 'annual', 4950, 'p3', now(), now())`;
    const [counts] = await db.sql<{ total: number; today: number; week: number }[]>`
      select count(*)::int as total, count(*) filter (where last_active_on = (now() at time zone 'UTC')::date)::int as today,
        count(*) filter (where last_active_on > (now() at time zone 'UTC')::date - 7)::int as week from users`;
    const [growth] = await db.sql<{ referrals: number; avg: number }[]>`
      select count(*) filter (where referred_by is not null)::int as referrals, round(avg(points))::int as avg from users`;
    const stats = await ask(telegram, olga, '/admin_stats');
    assert.match(stats.text!, new RegExp(`Referrals: ${growth!.referrals} · average points: ${growth!.avg} · live now: 1\n`));
    assert.ok(growth!.referrals >= 1);
    assert.match(stats.text!, new RegExp(`Users: ${counts!.total} \\(new today ${counts!.total - 2}\\)`));
    assert.match(stats.text!, new RegExp(`Active today: ${counts!.today} · in 7 days: ${counts!.week}`));
    assert.match(stats.text!, /Groups: 0 active of 0 \(0 registered, 0 deactivated\)\n🚪 Join requests approved: 0 · failed: 0/);
    assert.ok(counts!.week === counts!.today + 1, 'the user active 3 days ago counts in 7 days only');
    assert.match(stats.text!, /Posts published: today 1 · 7 days 2 · all 2/);
    assert.match(stats.text!, /Posts failed: today 1 · 7 days 1 · all 1/);
    assert.match(stats.text!, /Payments: 2 for 1,900 Stars \(30 days: 1 for 450 Stars\) · refunded: 1/, 'the refunded payment is not revenue');
    const card = await ask(telegram, olga, '/admin_users 1001');
    assert.match(card.text!, /💳 Payments: 2 for 1,900 Stars · refunded: 0/);
    assert.match(stats.text!, /Queue: \d+ ready, \d+ running, lag \d+ s\n💀 Failed jobs: 0/);
  });

  test('/admin_users finds by name, @username and id, and shows the card', async () => {
    const olga = await admin();
    const john = await registeredUser(stack, { first_name: 'Johnathan', username: 'JohnDoe' });
    await registeredUser(stack, { first_name: 'Johnny' });
    const list = await ask(telegram, olga, '/admin_users john');
    assert.match(list.text!, /Users matching “john”: 2/);
    olga.pressButton(list, `adm:user:${john.id}`);
    const card = await telegram.waitForBotMessage(olga, (m) => /ID: \d+/.test(m.text ?? ''), WAIT);
    assert.match(card.text!, new RegExp(`Johnathan \\(@JohnDoe\\)\\n🆔 ID: ${john.id}`));
    assert.match(card.text!, /Plan: Free/);
    assert.deepEqual(buttonsOf(card), [`adm:ban:${john.id}`, `adm:ffgrant:${john.id}`]);

    assert.match((await ask(telegram, olga, '/admin_users @johndoe')).text!, new RegExp(`ID: ${john.id}`));
    const q = await ask(telegram, olga, '/admin_users');
    assert.match(q.text!, /Find a user/);
    assert.match((await ask(telegram, olga, `${john.id}`)).text!, new RegExp(`ID: ${john.id}`));
    assert.match((await ask(telegram, olga, '/admin_users %')).text!, /No user matches/, "LIKE's wildcards are literal");
  });

  test('/admin_ban bans with a reason: the user is told once and ignored; /admin_unban lets them back and tells them; both audited', async () => {
    const olga = await admin();
    const bob = await registeredUser(stack, { first_name: 'Bob', username: 'bob_spam' });
    const banned = await ask(telegram, olga, '/admin_ban @bob_spam sends spam');
    assert.match(banned.text!, /Bob is banned\./);
    assert.deepEqual(buttonsOf(banned), [`adm:unban:${bob.id}`]);
    assert.match((await ask(telegram, olga, `/admin_ban ${bob.id}`)).text!, /already banned/);

    assert.match((await ask(telegram, bob, '/points')).text!, /suspended/);
    bob.sendCommand('/points');
    await stack.updatesDone();
    const afterNotice = telegram.messagesIn(bob).length;

    olga.pressButton(banned, `adm:unban:${bob.id}`);
    await telegram.waitFor(() => telegram.messagesIn(olga).find((m) => m.message_id === banned.message_id && /no longer banned/.test(m.text ?? '')), { ...WAIT, description: 'the unban' });
    const told = await telegram.waitForBotMessage(bob, (m) => /access to this bot was restored/.test(m.text ?? ''), WAIT);
    assert.equal(telegram.messagesIn(bob).length, afterNotice + 1, 'nothing between the notice and the unban');
    assert.ok(told);
    assert.match((await ask(telegram, bob, '/points')).text!, /points/i);
    const log = await readAuditLog(db.sql, bob.id);
    assert.deepEqual(log.map((r) => [r.action, r.actorId]).reverse(), [['user.ban', ADMIN_ID], ['user.unban', ADMIN_ID]]);
    assert.equal(log[1]!.details.reason, 'sends spam');
  });

  test('the card\'s Ban asks first; admins cannot be banned; unknown users are said so', async () => {
    const olga = await admin();
    const carl = await registeredUser(stack, { first_name: 'Carl' });
    const card = await ask(telegram, olga, `/admin_users ${carl.id}`);
    olga.pressButton(card, `adm:ban:${carl.id}`);
    const confirm = await telegram.waitForBotMessage(olga, (m) => /Ban <?b?>?Carl|Ban Carl/.test(m.text ?? ''), WAIT);
    assert.equal(await isBanned(db.sql, carl.id), false, 'not before the confirmation');
    olga.pressButton(confirm, `adm:banok:${carl.id}`);
    await telegram.waitFor(() => telegram.messagesIn(olga).find((m) => m.message_id === confirm.message_id && /Carl is banned/.test(m.text ?? '')), { ...WAIT, description: 'the ban' });
    await stack.updatesDone();
    assert.equal(await isBanned(db.sql, carl.id), true);

    const dora = await registeredUser(stack, { first_name: 'Dora' });
    await db.sql`update users set is_admin = true where id = ${dora.id}`;
    assert.match((await ask(telegram, olga, `/admin_ban ${dora.id}`)).text!, /An admin cannot be banned/);
    assert.match((await ask(telegram, olga, `/admin_ban ${ADMIN_ID}`)).text!, /An admin cannot be banned/);
    assert.match((await ask(telegram, olga, '/admin_ban 424242')).text!, /No user with that ID/);
    assert.match((await ask(telegram, olga, '/admin_ban')).text!, /Send \/admin_ban/);
    assert.equal(await isBanned(db.sql, dora.id), false);
  });

  test('a button pressed twice (Cancel, then Cancel again) leaves the message as it is and no failed job', async () => {
    const olga = await admin();
    const eric = await registeredUser(stack, { first_name: 'Eric' });
    const card = await ask(telegram, olga, `/admin_users ${eric.id}`);
    olga.pressButton(card, `adm:ban:${eric.id}`);
    const confirm = await telegram.waitForBotMessage(olga, (m) => /Ban Eric/.test(m.text ?? ''), WAIT);
    olga.pressButton(confirm, 'adm:close');
    await telegram.waitFor(() => telegram.messagesIn(olga).find((m) => m.message_id === confirm.message_id && m.text === 'Closed.'), { ...WAIT, description: 'closed' });
    await forgePress(telegram, olga, confirm, 'adm:close');
    await stack.updatesDone();
    assert.equal((await db.sql`select 1 from jobs where state = 'failed'`).length, 0, 'the second edit ("message is not modified") is not a failure');
    assert.equal(await isBanned(db.sql, eric.id), false);
  });

  test('/admin_broadcast sends to every user but the banned and the unreachable, and is audited', async () => {
    const olga = await admin();
    await db.sql`update users set unreachable_since = now() where id <> ${ADMIN_ID}`;
    const fans = [await registeredUser(stack, { first_name: 'Fan1' }), await registeredUser(stack, { first_name: 'Fan2' })];
    const banned = await registeredUser(stack, { first_name: 'Banned' });
    await ask(telegram, olga, `/admin_ban ${banned.id}`);
    const start = await ask(telegram, olga, '/admin_broadcast');
    assert.match(start.text!, /Broadcast to all users \(3 will receive it\)/, 'the admin and the two fans');
    const preview = await ask(telegram, olga, 'Hello, everyone!', (m) => /This is how it will look/.test(m.text ?? ''));
    olga.pressButton(preview, buttonsOf(preview)[0]!);
    await waitForReport(telegram, olga);
    for (const fan of fans) assert.ok(telegram.messagesIn(fan).some((m) => /^Hello, everyone!/.test(m.text ?? '')), 'a fan got it');
    assert.ok(!telegram.messagesIn(banned).some((m) => /Hello, everyone!/.test(m.text ?? '')), 'the banned user did not');
    const [row] = await db.sql<{ actor_id: number; details: { audience: string; recipients: number } }[]>`select actor_id, details from audit_log where action = 'admin.broadcast'`;
    assert.deepEqual([row!.actor_id, row!.details.audience, row!.details.recipients], [ADMIN_ID, 'users', 3]);
  });
});
