import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Api, Composer } from 'grammy';
import type { TelegramEmulator } from '../../emulator/telegram/index.js';
import type { BotContext } from '../../shared/bot/botContext.js';
import type { BotModule } from '../../shared/bot/BotModule.js';
import { growthModules } from '../../shared/modules/index.js';
import { banUser, unbanUser } from '../../shared/modules/admin/banUser.js';
import { readAuditLog } from '../../shared/modules/audit/readAuditLog.js';
import { recordAudit } from '../../shared/modules/audit/recordAudit.js';
import { schedulePost } from '../../shared/modules/instapost/posts.js';
import { isBanned } from '../../shared/modules/users/isBanned.js';
import { type Stack, startStack } from '../support/startStack.js';
import type { TestDatabase } from '../support/testDatabase.js';
import { rolledBack } from './adminSupport.js';

// Bans: a banned user's messages and button presses get one notice, then nothing; their
// scheduled posts are paused (their jobs made stale) and come back on an unban; both are in
// the audit log.

const WAIT = { timeoutMs: 20_000 };
const ADMIN_ID = 990_001;

// Stands in for the payments module: asks Telegram for pre-checkout queries and records each
// successful payment it is given, so a test sees what the ban lets through.
const paymentsSeen: number[] = [];
const probeFeature = new Composer<BotContext>();
probeFeature.on('message:successful_payment', (ctx) => void paymentsSeen.push(ctx.from.id));
const paymentProbe: BotModule = { name: 'payment_probe', updates: ['pre_checkout_query'], feature: probeFeature };

let stack: Stack;
let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  stack = await startStack({ modules: [...growthModules, paymentProbe] });
  ({ db, telegram } = stack);
});
after(async () => { await stack.stop(); });

/** A user who has talked to the bot (registered by /start, the menu read). */
async function registeredUser(name: string) {
  const user = telegram.createUser({ first_name: name, language_code: 'en' });
  user.sendCommand('/start');
  await telegram.waitForBotMessage(user, undefined, WAIT);
  await stack.updatesDone();
  return user;
}

describe('bans', () => {
  test('a banned user gets one notice, then their messages and buttons are ignored', async () => {
    const user = await registeredUser('Mallory');
    const menu = telegram.lastBotMessage(user)!;
    assert.deepEqual(await banUser(db.sql, { userId: user.id, actorId: ADMIN_ID, reason: 'spam' }), { status: 'done', posts: 0 });
    assert.equal(await isBanned(db.sql, user.id), true);
    const before = telegram.messagesIn(user).length;

    user.sendCommand('/points');
    const notice = await telegram.waitForBotMessage(user, (m) => m.message_id > menu.message_id, WAIT);
    assert.match(notice.text!, /access to this bot was suspended/);

    // More commands than the rate limit allows (10 a minute): not even its notice.
    for (let i = 0; i < 12; i++) user.sendCommand('/points');
    user.sendMessage('hello?');
    const press = user.pressButton(menu, { text: menu.reply_markup!.inline_keyboard[0]![0]!.text });
    await stack.updatesDone();
    assert.equal(telegram.messagesIn(user).length, before + 1, 'nothing after the one notice');
    // The press is answered (the client's spinner stops) with nothing to read.
    const answer = telegram.callbackAnswer(press.update.callback_query!.id);
    assert.ok(answer);
    assert.equal(answer.text, undefined);
    const [row] = await db.sql<{ ban_notified_at: Date | null; ban_reason: string }[]>`select ban_notified_at, ban_reason from users where id = ${user.id}`;
    assert.ok(row!.ban_notified_at);
    assert.equal(row!.ban_reason, 'spam');
  });

  test('banning twice changes nothing and records one ban; an unban lets the user back and is told again on a new ban', async () => {
    const user = await registeredUser('Trudy');
    await banUser(db.sql, { userId: user.id, actorId: ADMIN_ID, reason: null });
    assert.deepEqual(await banUser(db.sql, { userId: user.id, actorId: ADMIN_ID, reason: null }), { status: 'unchanged' });
    user.sendCommand('/points');
    await telegram.waitForBotMessage(user, (m) => /suspended/.test(m.text ?? ''), WAIT);
    await stack.updatesDone();

    assert.deepEqual(await unbanUser(db.sql, { userId: user.id, actorId: ADMIN_ID }), { status: 'done', posts: 0 });
    assert.deepEqual(await unbanUser(db.sql, { userId: user.id, actorId: ADMIN_ID }), { status: 'unchanged' });
    user.sendCommand('/points');
    assert.match((await telegram.waitForBotMessage(user, undefined, WAIT)).text!, /points/i);

    await banUser(db.sql, { userId: user.id, actorId: ADMIN_ID, reason: 'again' });
    user.sendCommand('/points');
    await telegram.waitForBotMessage(user, (m) => /suspended/.test(m.text ?? ''), WAIT);
    const log = await readAuditLog(db.sql, user.id);
    assert.deepEqual(log.map((r) => [r.action, r.actorId]).reverse(),
      [['user.ban', ADMIN_ID], ['user.unban', ADMIN_ID], ['user.ban', ADMIN_ID]]);
    assert.deepEqual(log[0]!.details, { reason: 'again', paused_posts: 0 });
  });

  test('a banned user cannot pay (the pre-checkout is refused with the notice), but a payment already made still reaches the bot', async () => {
    const user = await registeredUser('Payer');
    await banUser(db.sql, { userId: user.id, actorId: ADMIN_ID, reason: null });
    const api = new Api(telegram.token, { apiRoot: telegram.apiRoot });
    const link = await api.createInvoiceLink('Pro', 'A month of Pro', 'pro:test', '', 'XTR', [{ label: 'Pro', amount: 1450 }]);
    const pay = user.payInvoiceLink(link);
    await stack.updatesDone();
    const answer = telegram.preCheckoutAnswer(pay.update.pre_checkout_query!.id);
    assert.equal(answer?.ok, false);
    assert.match(String(answer?.error_message), /access to this bot was suspended/);
    assert.equal(telegram.messagesIn(user).filter((m) => m.successful_payment).length, 0, 'no payment happened');

    // A payment Telegram reports for a banned user (paid before the ban, delivered after) is not dropped.
    const chat = { id: user.id, type: 'private' as const, first_name: user.user.first_name };
    await telegram.deliver({ message: { message_id: 9_999, date: Math.floor(Date.now() / 1000), chat, from: user.user,
      successful_payment: { currency: 'XTR', total_amount: 1450, invoice_payload: 'pro:test', telegram_payment_charge_id: 'charge-1', provider_payment_charge_id: '' } } }).delivered;
    await stack.updatesDone();
    assert.deepEqual(paymentsSeen, [user.id]);
  });

  test('an unknown user cannot be banned', async () => {
    assert.deepEqual(await banUser(db.sql, { userId: 424_242, actorId: ADMIN_ID, reason: null }), { status: 'unknown_user' });
    assert.equal((await readAuditLog(db.sql, 424_242)).length, 0);
  });

  test('a ban pauses scheduled posts (their publish and reminder jobs go stale) and an unban schedules them again', async () => {
    // In a transaction rolled back at the end: the worker never claims the jobs while they are read.
    await rolledBack(db, async (sql) => {
      const userId = 770_001;
      await sql`insert into users (id, first_name) values (${userId}, 'Poster')`;
      const ids: number[] = [];
      for (const state of ['draft', 'draft', 'draft', 'publishing']) {
        const [p] = await sql<{ id: number }[]>`insert into posts (user_id, state) values (${userId}, ${state}) returning id`;
        ids.push(p!.id);
      }
      const future = new Date(Date.now() + 86_400_000);
      await schedulePost(sql, userId, ids[0]!, future);
      await schedulePost(sql, userId, ids[1]!, new Date(Date.now() + 3_600_000));
      const jobsOf = (id: number) => sql<{ type: string; version: number }[]>`
        select type, (payload->>'version')::int as version from jobs where (payload->>'postId')::int = ${id} order by id`;
      const versionOf = async (id: number) => (await sql<{ version: number; state: string }[]>`select version, state from posts where id = ${id}`)[0]!;

      // A monthly Star subscription that would renew, and one already turned off.
      await sql`insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at) values (${userId}, 'pro', 'p-a', 'charge-a', now() + interval '20 days')`;
      await sql`insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at, canceled_by_bot) values (${userId}, 'basic', 'p-b', 'charge-b', now() + interval '5 days', true)`;
      assert.deepEqual(await banUser(sql, { userId, actorId: ADMIN_ID, reason: null }), { status: 'done', posts: 2, renewalsStopped: 1 });
      const cancels = await sql<{ payload: unknown }[]>`select payload from jobs where type = 'star_subscription_cancel'`;
      assert.deepEqual(cancels.map((j) => j.payload), [{ userId, firstChargeId: 'charge-a' }], 'renewal turned off, once, for the one still renewing');
      for (const id of ids.slice(0, 2)) {
        const post = await versionOf(id);
        assert.equal(post.state, 'paused');
        // Every job queued for the post carries an older version: publishPost and remindPost do nothing with it.
        for (const job of await jobsOf(id)) assert.ok(job.version < post.version, `${job.type} is stale`);
      }
      assert.equal((await versionOf(ids[2]!)).state, 'draft');
      assert.equal((await versionOf(ids[3]!)).state, 'publishing', 'a post being published is left to finish');

      // The first post's time passes during the ban: it goes at once on the unban; the other keeps its time.
      await sql`update posts set scheduled_at = now() - interval '1 hour' where id = ${ids[1]!}`;
      assert.deepEqual(await unbanUser(sql, { userId, actorId: ADMIN_ID }), { status: 'done', posts: 2 });
      const [first] = await sql<{ state: string; scheduled_at: Date; version: number }[]>`select state, scheduled_at, version from posts where id = ${ids[0]!}`;
      assert.equal(first!.state, 'scheduled');
      assert.equal(first!.scheduled_at.getTime(), future.getTime());
      const publish = (await jobsOf(ids[0]!)).filter((j) => j.type === 'instapost_publish' && j.version === first!.version);
      assert.equal(publish.length, 1, 'a publish job for the new version');
      const [late] = await sql<{ scheduled_at: Date }[]>`select scheduled_at from posts where id = ${ids[1]!}`;
      assert.ok(late!.scheduled_at.getTime() <= Date.now() + 1000 && late!.scheduled_at.getTime() > Date.now() - 60_000, 'due now');
      assert.deepEqual((await readAuditLog(sql, userId)).map((r) => r.details), [{ resumed_posts: 2 }, { reason: null, paused_posts: 2, renewals_stopped: 1 }]);
    });
  });

  test('a user banned while a users broadcast runs gets no copy of it: their pending delivery fails as banned, the others wait their turn', async () => {
    await rolledBack(db, async (sql) => {
      const [banned, other] = [770_101, 770_102];
      await sql`insert into users (id, first_name) values (${banned}, 'Eve'), (${other}, 'Olga')`;
      const [b] = await sql<{ id: number }[]>`
        insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
        values (${ADMIN_ID}, ${ADMIN_ID}, 'users', 'Hello all', 'running', now()) returning id`;
      await sql`insert into broadcast_deliveries (broadcast_id, chat_id, debug_code) values (${b!.id}, ${banned}, 'b1'), (${b!.id}, ${other}, 'b2')`;
      assert.equal((await banUser(sql, { userId: banned, actorId: ADMIN_ID, reason: null })).status, 'done');
      const rows = await sql<{ chat_id: number; state: string; failure_reason: string | null }[]>`
        select chat_id, state, failure_reason from broadcast_deliveries where broadcast_id = ${b!.id} order by chat_id`;
      assert.deepEqual(rows.map((r) => [r.chat_id, r.state, r.failure_reason]), [[banned, 'failed', 'banned'], [other, 'pending', null]]);
    });
  });

  test('audit records are written in the caller\'s transaction and roll back with it', async () => {
    await assert.rejects(db.sql.begin(async (tx) => {
      await recordAudit(tx, { actorId: null, action: 'plan.grant', subjectUserId: 555_001, details: { plan: 'pro' } });
      throw new Error('the change failed');
    }));
    assert.equal((await readAuditLog(db.sql, 555_001)).length, 0);
    await recordAudit(db.sql, { actorId: null, action: 'plan.grant', subjectUserId: 555_001, details: { plan: 'pro' } });
    const [row] = await readAuditLog(db.sql, 555_001);
    assert.deepEqual([row!.actorId, row!.action, row!.details], [null, 'plan.grant', { plan: 'pro' }]);
  });
});
