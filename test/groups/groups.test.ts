import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import { badRequest, chatMember, type EmulatedGroup, type EmulatedUser } from '../../emulator/telegram/index.js';
import { type Stack, startStack } from '../support/startStack.js';

// Group registration, activation and join requests end to end: emulated admins and users act
// in emulated groups, the webhook and worker run the bot, and the tests read the chats.

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 15_000 };
let n = 0;

/**
 * An admin who has talked to the bot (so it may DM them), owning a new group with `members`
 * people in it, the admin included (default 10: GROUP_MIN_MEMBERS's default without the bot).
 */
async function adminWithGroup(type: 'group' | 'supergroup' = 'supergroup', members = 10): Promise<{ admin: EmulatedUser; group: EmulatedGroup; others: EmulatedUser[] }> {
  const admin = stack.telegram.createUser({ first_name: `Admin${++n}`, language_code: 'en' });
  admin.sendCommand('/start');
  await stack.telegram.waitForBotMessage(admin, undefined, WAIT);
  const others = Array.from({ length: members - 1 }, (_, i) => stack.telegram.createUser({ first_name: `Member${n}_${i}` }));
  const group = stack.telegram.createGroup({ title: `Group ${n}`, type, creator: admin, members: [admin, ...others] });
  return { admin, group, others };
}

/** Sends a command in a group and resolves with the bot's next message there. */
async function say(user: EmulatedUser, group: EmulatedGroup, command: string, payload?: string): Promise<Message> {
  user.sendCommand(command, payload, { chat: group });
  return stack.telegram.waitForBotMessage(group, undefined, WAIT);
}

/** A registered, active group whose bot is a full admin. */
async function activeGroup(type: 'group' | 'supergroup' = 'supergroup', members = 10) {
  const { admin, group, others } = await adminWithGroup(type, members);
  group.addBot({ asAdmin: true });
  await stack.telegram.waitForBotMessage(group, undefined, WAIT); // the hello
  await say(admin, group, '/init');
  assert.match((await say(admin, group, '/activate')).text!, /Activated!/);
  return { admin, group, others };
}

// The rows are read once the queue is drained: an update commits after its replies were sent,
// so a reply alone does not mean its writes are visible yet.
const groupRow = async (chatId: number) => (await stack.drained(), await stack.db.sql<{ chat_id: number; bot_status: string; admin_user_id: number | null; active: boolean; deactivated_reason: string | null; can_invite: boolean | null }[]>`
  select chat_id, bot_status, admin_user_id, active, deactivated_reason, (bot_rights->>'can_invite_users')::boolean as can_invite
  from groups where chat_id = ${chatId}`)[0];
const unlimited = async (userId: number) => (await stack.drained(), await stack.db.sql<{ unlimited_points: boolean }[]>`select unlimited_points from users where id = ${userId}`)[0]?.unlimited_points;

/** Makes a user known to the bot (a /start), so it may DM them. */
async function upsertStarted(user: EmulatedUser): Promise<void> {
  user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, undefined, WAIT);
}

/** Waits until the queue has nothing left to run. */
const settled = () => stack.drained(15_000);

describe('the bot in a group', () => {
  test('added as a member it greets the group, records itself, and a promotion records its rights', async () => {
    const { group } = await adminWithGroup();
    group.addBot();
    assert.match((await stack.telegram.waitForBotMessage(group, undefined, WAIT)).text!, /make me an admin with the right “Invite users via link”/);
    assert.equal((await groupRow(group.id))?.bot_status, 'member');
    await group.promoteBot({ can_invite_users: false }).delivered;
    await settled();
    assert.deepEqual({ ...(await groupRow(group.id)) }, { chat_id: group.id, bot_status: 'administrator', admin_user_id: null, active: false, deactivated_reason: null, can_invite: false });
  });

  test('added as an admin with every right it needs, it asks only for /init', async () => {
    const { group } = await adminWithGroup();
    group.addBot({ asAdmin: true });
    const hello = (await stack.telegram.waitForBotMessage(group, undefined, WAIT)).text!;
    assert.match(hello, /I have the rights I need.*send \/init/s);
    assert.doesNotMatch(hello, /make me an admin/i);
  });

  test('added as an admin without the invite right, it names that right, not admin status', async () => {
    const { group } = await adminWithGroup();
    group.addBot({ rights: { can_invite_users: false } });
    const hello = (await stack.telegram.waitForBotMessage(group, undefined, WAIT)).text!;
    assert.match(hello, /give me the right “Invite users via link”/);
    assert.doesNotMatch(hello, /make me an admin/i);
  });
});

describe('/init', () => {
  test('a member who is not an admin cannot register the group (checked with Telegram)', async () => {
    const { group } = await adminWithGroup();
    group.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    const member = stack.telegram.createUser({ first_name: 'Member' });
    group.addMember(member);
    assert.match((await say(member, group, '/init')).text!, /Only an admin of this group can register it/);
    assert.equal((await groupRow(group.id))?.admin_user_id, null);
  });

  test('names exactly what the bot lacks: first admin status, then the "Invite users via link" right', async () => {
    const { admin, group } = await adminWithGroup();
    group.addBot();
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    const first = await say(admin, group, '/init');
    assert.match(first.text!, new RegExp(`registered to ${admin.user.first_name}`));
    assert.match(first.text!, /I am not an admin here yet\. Make me an admin with the right “Invite users via link”/);
    assert.equal((await groupRow(group.id))?.admin_user_id, admin.id);

    group.promoteBot({ can_invite_users: false });
    assert.match((await say(admin, group, '/init')).text!, /I am an admin, but without the right “Invite users via link”/);
    group.promoteBot();
    assert.match((await say(admin, group, '/init')).text!, /Next: send \/activate/);
  });

  test('another admin cannot take over a registered group', async () => {
    const { admin, group } = await adminWithGroup();
    group.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    await say(admin, group, '/init');
    const other = stack.telegram.createUser({ first_name: 'Other' });
    group.addMember(other);
    group.setAdmin(other);
    assert.match((await say(other, group, '/init')).text!, /already registered by another admin/);
    assert.equal((await groupRow(group.id))?.admin_user_id, admin.id);
  });
});

describe('/activate and unlimited points', () => {
  test('only the linked admin activates; they get unlimited points', async () => {
    const { admin, group } = await adminWithGroup();
    group.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    assert.match((await say(admin, group, '/activate')).text!, /not registered yet/);
    await say(admin, group, '/init');
    const other = stack.telegram.createUser({ first_name: 'Other' });
    group.addMember(other);
    group.setAdmin(other);
    assert.match((await say(other, group, '/activate')).text!, /Only the admin who registered this group/);
    assert.equal(await unlimited(admin.id), false);
    assert.match((await say(admin, group, '/activate')).text!, /Activated!/);
    assert.equal((await groupRow(group.id))?.active, true);
    assert.equal(await unlimited(admin.id), true);
  });

  test('/activate refuses while the bot lacks the invite right, and says which', async () => {
    const { admin, group } = await adminWithGroup();
    group.addBot({ rights: { can_invite_users: false } });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    await say(admin, group, '/init');
    assert.match((await say(admin, group, '/activate')).text!, /without the right “Invite users via link”/);
    assert.equal(await unlimited(admin.id), false);
  });

  test('/activate in a group smaller than GROUP_MIN_MEMBERS (default 10) grants nothing and says why', async () => {
    const { admin, group } = await adminWithGroup('supergroup', 3);
    group.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    await say(admin, group, '/init');
    assert.match((await say(admin, group, '/activate')).text!, /This group has 4 members; unlimited points need a group of at least 10/);
    assert.equal((await groupRow(group.id))?.active, false);
    assert.equal(await unlimited(admin.id), false);
  });

  test('the linked admin leaving the group deactivates it, unlinks them, withdraws unlimited points and tells them', async () => {
    const { admin, group, others } = await activeGroup();
    admin.leave(group);
    const told = await stack.telegram.waitForBotMessage(admin, (m) => /withdrawn/.test(m.text ?? ''), WAIT);
    assert.match(told.text!, new RegExp(`you left “${group.title}”`));
    assert.deepEqual({ ...(await groupRow(group.id)) }, { chat_id: group.id, bot_status: 'administrator', admin_user_id: null, active: false, deactivated_reason: 'admin_left', can_invite: true });
    assert.equal(await unlimited(admin.id), false);
    // Another admin may now register the group.
    await upsertStarted(others[0]!);
    group.setAdmin(others[0]!);
    assert.match((await say(others[0]!, group, '/init')).text!, new RegExp(`registered to ${others[0]!.user.first_name}`));
  });

  test('the linked admin demoted deactivates the group and withdraws unlimited points', async () => {
    const { admin, group } = await activeGroup();
    const second = stack.telegram.createUser({ first_name: 'Co-owner' });
    group.addMember(second);
    group.setAdmin(second);
    group.demote(admin, { by: second });
    const told = await stack.telegram.waitForBotMessage(admin, (m) => /withdrawn/.test(m.text ?? ''), WAIT);
    assert.match(told.text!, new RegExp(`you are no longer an admin of “${group.title}”`));
    assert.deepEqual({ active: (await groupRow(group.id))?.active, reason: (await groupRow(group.id))?.deactivated_reason, linked: (await groupRow(group.id))?.admin_user_id }, { active: false, reason: 'admin_demoted', linked: admin.id });
    assert.equal(await unlimited(admin.id), false);
  });

  test('members leaving until the group is below the minimum deactivates it', async () => {
    const { admin, group, others } = await activeGroup();
    // 10 people and the bot: one leaving leaves 10 (still enough), a second leaves 9.
    others[0]!.leave(group);
    await settled();
    assert.equal((await groupRow(group.id))?.active, true);
    others[1]!.leave(group);
    const told = await stack.telegram.waitForBotMessage(admin, (m) => /withdrawn/.test(m.text ?? ''), WAIT);
    assert.match(told.text!, new RegExp(`“${group.title}” has fewer than 10 members now`));
    assert.equal((await groupRow(group.id))?.deactivated_reason, 'too_few_members');
    assert.equal(await unlimited(admin.id), false);
  });

  test('/init that finds the bot no longer an admin deactivates the group, and unlimited points go with it (derived in the database)', async () => {
    const { admin, group } = await activeGroup();
    // The bot demoted with no update reaching it (a missed my_chat_member): /init learns it.
    stack.telegram.world.setMember(stack.telegram.world.chats.get(group.id)!, chatMember(stack.telegram.world.botUser, 'member'));
    assert.match((await say(admin, group, '/init')).text!, /I am not an admin here yet/);
    assert.equal((await groupRow(group.id))?.active, false);
    assert.equal(await unlimited(admin.id), false);
  });

  test('demoting the bot deactivates the group, withdraws unlimited points and tells the admin', async () => {
    const { admin, group } = await activeGroup();
    group.demoteBot();
    const told = await stack.telegram.waitForBotMessage(admin, (m) => /withdrawn/.test(m.text ?? ''), WAIT);
    assert.match(told.text!, new RegExp(`I am no longer an admin in “${group.title}”`));
    assert.deepEqual({ active: (await groupRow(group.id))?.active, reason: (await groupRow(group.id))?.deactivated_reason }, { active: false, reason: 'bot_demoted' });
    assert.equal(await unlimited(admin.id), false);
  });

  test('removing the bot does the same; an admin with a second active group keeps unlimited points', async () => {
    const { admin, group } = await activeGroup();
    const people = Array.from({ length: 9 }, (_, i) => stack.telegram.createUser({ first_name: `Second${i}` }));
    const second = stack.telegram.createGroup({ title: 'Second', creator: admin, members: [admin, ...people] });
    second.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(second, undefined, WAIT);
    await say(admin, second, '/init');
    await say(admin, second, '/activate');
    group.removeBot();
    await settled();
    assert.equal((await groupRow(group.id))?.deactivated_reason, 'bot_removed');
    assert.equal(await unlimited(admin.id), true);
    second.removeBot();
    await stack.telegram.waitForBotMessage(admin, (m) => /withdrawn: I was removed in “Second”/.test(m.text ?? ''), WAIT);
    assert.equal(await unlimited(admin.id), false);
  });

  test('a group upgraded to a supergroup keeps its registration and activation under the new id', async () => {
    const { admin, group } = await activeGroup('group');
    const { oldChatId, newChatId } = group.upgradeToSupergroup();
    await settled();
    assert.equal(await groupRow(oldChatId), undefined);
    const row = await groupRow(newChatId);
    assert.deepEqual({ admin: row?.admin_user_id, active: row?.active }, { admin: admin.id, active: true });
    assert.equal(await unlimited(admin.id), true);
  });
});

describe('join requests', () => {
  const requests = (chatId: number) => stack.db.sql<{ user_id: number; outcome: string; error: string | null; greeted: boolean; invite_link: string | null }[]>`
    select user_id, outcome, error, greeted, invite_link from join_requests where chat_id = ${chatId} order by id`;
  const approvals = (chatId: number) => stack.telegram.callsTo('approveChatJoinRequest').filter((c) => Number(c.params.chat_id) === chatId);

  test('in an active group a request is logged and approved, and the user becomes a member', async () => {
    const { group } = await activeGroup();
    const joiner = stack.telegram.createUser({ first_name: 'Joiner' });
    joiner.requestToJoin(group);
    await stack.telegram.waitForCall((c) => c.method === 'approveChatJoinRequest' && Number(c.params.chat_id) === group.id, WAIT);
    await settled();
    assert.deepEqual((await requests(group.id)).map((r) => ({ ...r })), [{ user_id: joiner.id, outcome: 'approved', error: null, greeted: false, invite_link: null }]);
    assert.equal(group.members.find((m) => m.user.id === joiner.id)?.status, 'member');
  });

  test('a duplicate delivery of the same request is logged once and approved once', async () => {
    const { group } = await activeGroup();
    const joiner = stack.telegram.createUser({ first_name: 'Twice' });
    const action = joiner.requestToJoin(group);
    await action.delivered;
    const { update_id: _, ...body } = action.update;
    stack.telegram.deliver(body);
    await settled();
    assert.equal((await requests(group.id)).length, 1);
    assert.equal(approvals(group.id).length, 1);
  });

  test('a request someone already handled counts as done; another refusal is recorded with its reason', async () => {
    const { group } = await activeGroup();
    const handled = stack.telegram.createUser({ first_name: 'Handled' });
    stack.telegram.failNext('approveChatJoinRequest', badRequest('HIDE_REQUESTER_MISSING'), { chatId: group.id });
    handled.requestToJoin(group);
    await settled();
    const refused = stack.telegram.createUser({ first_name: 'Refused' });
    stack.telegram.failNext('approveChatJoinRequest', badRequest('USER_CHANNELS_TOO_MUCH'), { chatId: group.id });
    refused.requestToJoin(group);
    await settled();
    assert.deepEqual((await requests(group.id)).map((r) => [r.outcome, r.error]), [
      ['already_handled', 'Bad Request: HIDE_REQUESTER_MISSING'],
      ['failed', 'Bad Request: USER_CHANNELS_TOO_MUCH'],
    ]);
    assert.equal((await stack.db.sql`select 1 from jobs where state = 'failed'`).length, 0);
  });

  test('in a group that is not active the request is logged and left to the admins', async () => {
    const { admin, group } = await adminWithGroup();
    group.addBot({ asAdmin: true });
    await stack.telegram.waitForBotMessage(group, undefined, WAIT);
    await say(admin, group, '/init');
    const joiner = stack.telegram.createUser({ first_name: 'Waiting' });
    joiner.requestToJoin(group);
    await settled();
    assert.deepEqual((await requests(group.id)).map((r) => r.outcome), ['ignored']);
    assert.equal(approvals(group.id).length, 0);
  });

  test('with /greet on the approved user is welcomed in a DM, in their language', async () => {
    const { admin, group } = await activeGroup();
    assert.match((await say(admin, group, '/greet', 'on')).text!, /I will greet new members/);
    const joiner = stack.telegram.createUser({ first_name: 'Greeted', language_code: 'ru' });
    joiner.requestToJoin(group);
    const greeting = await stack.telegram.waitForBotMessage(joiner, undefined, WAIT);
    assert.equal(greeting.text, `👋 Добро пожаловать в «${group.title}»! Ваша заявка на вступление принимается.`);
    await settled();
    assert.deepEqual((await requests(group.id)).map((r) => [r.outcome, r.greeted]), [['approved', true]]);
  });
});
