import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { readAuditLog } from '../../shared/modules/audit/readAuditLog.js';
import { grantFriendsFamily } from '../../shared/modules/admin/friendsFamily.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { forgePress } from '../groups/broadcastSupport.js';
import { type Stack, startStack } from '../support/startStack.js';
import type { TestDatabase } from '../support/testDatabase.js';
import { ask, buttonsOf, registeredUser, rolledBack, WAIT } from './adminSupport.js';

// Friends & Family, the seed's 5.1.1 flows end to end: grant (by @username or id, a note, the
// user told), list (note, date, posts this month) and its CSV export, removal (pick, confirm,
// downgraded to Free, the user told); each in the audit log.

const ADMIN_ID = 880_000_101;

let stack: Stack;
let db: TestDatabase;
let telegram: TelegramEmulator;
before(async () => {
  stack = await startStack({ botSettings: { ...defaultBotSettings, adminTelegramIds: [ADMIN_ID], rateLimit: { commands: 1000, windowMs: 60_000 } } });
  ({ db, telegram } = stack);
});
after(async () => { await stack.stop(); });

async function admin() {
  return telegram.userById(ADMIN_ID) ?? registeredUser(stack, { id: ADMIN_ID, first_name: 'Olga' });
}

describe('friends & family', () => {
  test('an admin grants F&F by @username with a note; the user is told; a second grant changes nothing', async () => {
    const olga = await admin();
    const john = await registeredUser(stack, { first_name: 'John', username: 'johndoe' });
    assert.match((await ask(telegram, olga, '/admin_ff_add')).text!, /Grant Friends & Family status\n\nEnter the user's Telegram ID or @username:/);
    assert.match((await ask(telegram, olga, 'not a user!')).text!, /not a Telegram ID or an @username/);
    assert.match((await ask(telegram, olga, '@nobody_here')).text!, /No user with that ID or @username has used the bot/);
    const found = await ask(telegram, olga, '@JohnDoe');
    assert.match(found.text!, new RegExp(`Found user:\\n👤 John \\(@johndoe\\)\\n🆔 ID: ${john.id}\\n📅 Joined: \\d{4}-\\d\\d-\\d\\d\\n💎 Current plan: Free\\n\\nAdd a note`));
    assert.match((await ask(telegram, olga, 'x'.repeat(201))).text!, /at most 200 characters/);
    const granted = await ask(telegram, olga, 'Best friend from college');
    assert.match(granted.text!, /✅ F&F status granted to @johndoe\n\n👤 John\n💎 Plan: Friends & Family \(Business features\)\n📝 Note: Best friend from college\n📅 Granted: \d{4}-/);
    assert.deepEqual(buttonsOf(granted), ['adm:fflist', 'adm:ffadd']);
    const told = await telegram.waitForBotMessage(john, (m) => /Friends & Family/.test(m.text ?? ''), WAIT);
    assert.match(told.text!, /You are now a Friends & Family member/);

    const plan = await readUserPlan(db.sql, john.id);
    assert.deepEqual([plan.plan, plan.until, plan.source, plan.note, plan.actorId], ['friends_family', null, 'friends_family', 'Best friend from college', ADMIN_ID]);
    assert.match((await ask(telegram, olga, `/admin_ff_add ${john.id}`)).text!, /John|johndoe/);
    assert.match(telegram.lastBotMessage(olga)!.text!, /already a Friends & Family member/);
    const log = await readAuditLog(db.sql, john.id);
    assert.deepEqual(log.map((r) => [r.action, r.actorId, r.details]), [['friends_family.grant', ADMIN_ID, { note: 'Best friend from college', previous_plan: 'free' }]]);
    await stack.drained();
    assert.equal(telegram.messagesIn(john).filter((m) => /Friends & Family/.test(m.text ?? '')).length, 1, 'told once');
  });

  test('the list shows each member with note, date granted and posts this month, and exports as CSV', async () => {
    const olga = await admin();
    const jane = await registeredUser(stack, { first_name: 'Jane, "the" Smith', username: 'jane_smith' });
    await ask(telegram, olga, `/admin_ff_add ${jane.id}`);
    await ask(telegram, olga, '=SUM(A1) sister');
    await db.sql`insert into posts (user_id, state, published_at) values
      (${jane.id}, 'published', now()), (${jane.id}, 'published', now()), (${jane.id}, 'failed', null),
      (${jane.id}, 'published', date_trunc('month', now() at time zone 'UTC') at time zone 'UTC' - interval '1 day')`;
    const list = await ask(telegram, olga, '/admin_ff_list');
    assert.match(list.text!, /Friends & Family Members \(2 total\)/);
    assert.match(list.text!, /1\. @johndoe \(John\)\n {3}📝 Best friend from college\n {3}📅 Granted: \d{4}-\d\d-\d\d\n {3}📸 Posts this month: 0/);
    assert.match(list.text!, /2\. @jane_smith \(Jane, "the" Smith\)\n {3}📝 =SUM\(A1\) sister\n {3}📅 Granted: \d{4}-\d\d-\d\d\n {3}📸 Posts this month: 2/);
    assert.deepEqual(buttonsOf(list), ['adm:ffadd', 'adm:ffcsv']);

    olga.pressButton(list, 'adm:ffcsv');
    const file = await telegram.waitForBotMessage(olga, (m) => m.document !== undefined, WAIT);
    assert.match(file.document!.file_name!, /^friends_family_\d{4}-\d\d-\d\d\.csv$/);
    assert.equal(file.document!.mime_type, 'text/csv');
    assert.equal(file.caption, 'Friends & Family members: 2');
    const csv = telegram.world.files.get(file.document!.file_id)!.bytes!.toString('utf8');
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'telegram_id,username,first_name,note,granted_at,granted_by,posts_this_month');
    assert.match(lines[1]!, /^\d+,johndoe,John,Best friend from college,\d{4}-\d\d-\d\dT[\d:.]+Z,880000101,0$/);
    // Quotes doubled, a comma quoted, and a formula neutralised for spreadsheets.
    assert.match(lines[2]!, new RegExp(`^${jane.id},jane_smith,"Jane, ""the"" Smith",'=SUM\\(A1\\) sister,[^,]+,880000101,2$`));
    assert.equal(lines[3], '');
  });

  test('removal: pick, confirm (nothing before), downgraded to Free, the user told, audited; a second confirmation changes nothing', async () => {
    const olga = await admin();
    const mike = await registeredUser(stack, { first_name: 'Mike', username: 'mikebrown' });
    await ask(telegram, olga, '/admin_ff_add @mikebrown');
    await ask(telegram, olga, 'Business partner');
    const pick = await ask(telegram, olga, '/admin_ff_remove');
    assert.match(pick.text!, /Remove F&F Status\n\nSelect user to remove:/);
    assert.ok(buttonsOf(pick).includes(`adm:ffrm:${mike.id}`));
    olga.pressButton(pick, `adm:ffrm:${mike.id}`);
    const confirm = await telegram.waitForBotMessage(olga, (m) => /Confirm removing/.test(m.text ?? ''), WAIT);
    assert.match(confirm.text!, /👤 Mike \(@mikebrown\)\n📝 Note: Business partner\n📅 F&F since: \d{4}-\d\d-\d\d\n\nTheir plan will be downgraded to Free\./);
    assert.equal((await readUserPlan(db.sql, mike.id)).plan, 'friends_family', 'nothing before the confirmation');
    olga.pressButton(confirm, `adm:ffrmok:${mike.id}`);
    await telegram.waitFor(() => telegram.messagesIn(olga).find((m) => m.message_id === confirm.message_id && /F&F status removed from @mikebrown/.test(m.text ?? '')),
      { ...WAIT, description: 'the removal' });
    assert.match(telegram.messagesIn(olga).find((m) => m.message_id === confirm.message_id)!.text!, /downgraded to Free plan\.\nThey will be notified of this change\./);
    await telegram.waitForBotMessage(mike, (m) => /status has ended/.test(m.text ?? ''), WAIT);
    assert.equal((await readUserPlan(db.sql, mike.id)).plan, 'free');

    // The same confirmation pressed again (a double tap, a redelivery): nothing more.
    olga.pressButton(telegram.messagesIn(olga).find((m) => m.message_id === pick.message_id)!, `adm:ffrm:${mike.id}`);
    assert.match((await telegram.waitForBotMessage(olga, (m) => /not a Friends & Family member/.test(m.text ?? ''), WAIT)).text!, /Mike|mikebrown/);
    await forgePress(telegram, olga, confirm, `adm:ffrmok:${mike.id}`);
    await stack.drained();
    assert.match(telegram.messagesIn(olga).find((m) => m.message_id === confirm.message_id)!.text!, /not a Friends & Family member/);
    assert.equal(telegram.messagesIn(mike).filter((m) => /status has ended/.test(m.text ?? '')).length, 1);
    assert.deepEqual((await readAuditLog(db.sql, mike.id)).map((r) => r.action), ['friends_family.remove', 'friends_family.grant']);
    const [change] = await db.sql<{ plan: string; previous_plan: string; reason: string; actor_id: number }[]>`
      select plan, previous_plan, reason, actor_id from plan_changes where user_id = ${mike.id} order by id desc limit 1`;
    assert.deepEqual({ ...change }, { plan: 'free', previous_plan: 'friends_family', reason: 'friends_family_removed', actor_id: ADMIN_ID });
  });

  test('granting F&F to a paying user turns off their subscription\'s renewal, so its next payment cannot replace F&F', async () => {
    // In a transaction rolled back at the end: the worker never sees (or runs) the jobs it enqueues.
    await rolledBack(db, async (sql) => {
      await sql`insert into users (id, first_name) values (42, 'Payer')`;
      await grantPlan(sql, { userId: 42, plan: 'pro', until: new Date(Date.now() + 20 * 86_400_000), source: 'payment' });
      await sql`insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at) values (42, 'pro', 'p', 'charge-pro', now() + interval '20 days')`;
      const outcome = await grantFriendsFamily(sql, { userId: 42, actorId: ADMIN_ID, note: 'Investor' });
      assert.equal(outcome.status, 'granted');
      const jobs = await sql<{ type: string; payload: unknown }[]>`select type, payload from jobs where payload->>'userId' = '42' order by id`;
      assert.deepEqual(jobs.map((j) => [j.type, j.payload]), [
        ['star_subscription_cancel', { userId: 42, firstChargeId: 'charge-pro' }],
        ['admin_user_notice', { userId: 42, notice: 'admin_notice_ff_granted' }],
      ]);
      assert.deepEqual((await readAuditLog(sql, 42))[0]!.details, { note: 'Investor', previous_plan: 'pro', renewals_stopped: 1 });
    });
  });

  test('the user card grants F&F too', async () => {
    const olga = await admin();
    const ann = await registeredUser(stack, { first_name: 'Ann' });
    const card = await ask(telegram, olga, `/admin_users ${ann.id}`);
    olga.pressButton(card, `adm:ffgrant:${ann.id}`);
    await telegram.waitForBotMessage(olga, (m) => /Add a note/.test(m.text ?? ''), WAIT);
    assert.match((await ask(telegram, olga, 'Cousin')).text!, /F&F status granted to Ann/);
    assert.match((await ask(telegram, olga, `/admin_users ${ann.id}`)).text!, /Plan: Friends & Family/);
    assert.ok(buttonsOf(telegram.lastBotMessage(olga)!).includes(`adm:ffrm:${ann.id}`));
  });
});
