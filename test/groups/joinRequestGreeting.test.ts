import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import { type EmulatedGroup, type EmulatedUser, ManualClock, serverError } from '../../emulator/telegram/index.js';
import { type StartedWorker, startWorker } from '../../worker/startWorker.js';
import { type Stack, startStack } from '../support/startStack.js';
import { testLogger } from '../support/testLogger.js';

// Telegram lets a bot message a join requester through user_chat_id "for 5 minutes … until the
// join request is processed". The bot therefore greets before it approves, and a greeting that
// comes too late (403) is an expected outcome: the request is approved all the same.

const clock = new ManualClock();
let stack: Stack;
before(async () => { stack = await startStack({ telegram: { clock } }); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 15_000 };
let n = 0;

async function say(user: EmulatedUser, group: EmulatedGroup, command: string, payload?: string): Promise<Message> {
  user.sendCommand(command, payload, { chat: group });
  return stack.telegram.waitForBotMessage(group, undefined, WAIT);
}

/** An active group of ten, bot a full admin, with /greet on. */
async function greetingGroup(): Promise<EmulatedGroup> {
  const admin = stack.telegram.createUser({ first_name: `Admin${++n}`, language_code: 'en' });
  admin.sendCommand('/start');
  await stack.telegram.waitForBotMessage(admin, undefined, WAIT);
  // /activate wants a group of at least 10 members (GROUP_MIN_MEMBERS).
  const others = Array.from({ length: 9 }, (_, i) => stack.telegram.createUser({ first_name: `Member${n}_${i}` }));
  const group = stack.telegram.createGroup({ title: `Greeting group ${n}`, creator: admin, members: [admin, ...others] });
  group.addBot({ asAdmin: true });
  await stack.telegram.waitForBotMessage(group, undefined, WAIT);
  await say(admin, group, '/init');
  assert.match((await say(admin, group, '/activate')).text!, /Activated!/);
  assert.match((await say(admin, group, '/greet', 'on')).text!, /I will greet new members/);
  return group;
}

async function settled(): Promise<void> {
  await stack.telegram.idle({ timeoutMs: 15_000 });
  for (let i = 0; (await stack.db.sql`select 1 from jobs where state <> 'failed' limit 1`).length > 0; i++) {
    if (i > 600) throw new Error('queue did not drain');
    await new Promise((r) => setTimeout(r, 25));
  }
}

const requestRow = async (chatId: number) => (await stack.db.sql<{ outcome: string; greeted: boolean; error: string | null }[]>`
  select outcome, greeted, error from join_requests where chat_id = ${chatId}`)[0];

describe('join requests from users the bot has banned', () => {
  /** A user the bot knows and its operators banned. */
  async function bannedUser(name: string): Promise<EmulatedUser> {
    const user = stack.telegram.createUser({ first_name: name, language_code: 'en' });
    await stack.db.sql`insert into users (id, first_name, banned_at, ban_reason) values (${user.id}, ${name}, now(), 'spam')`;
    return user;
  }
  const stillPending = (group: EmulatedGroup, user: EmulatedUser) => stack.telegram.world.chats.get(group.id)!.joinRequests.has(user.id);
  const callsAbout = (since: number, group: EmulatedGroup, user: EmulatedUser) => stack.telegram.calls.slice(since)
    .filter((c) => Number(c.params.chat_id) === user.id || (c.method.endsWith('ChatJoinRequest') && Number(c.params.chat_id) === group.id))
    .map((c) => c.method);

  test('a banned user gets no greeting and is not let in: the request stays pending for the group\'s admins', async () => {
    const group = await greetingGroup();
    const joiner = await bannedUser('Spammer');
    const since = stack.telegram.calls.length;
    joiner.requestToJoin(group);
    await stack.drained();
    assert.deepEqual(callsAbout(since, group, joiner), [], 'no message to the user, no approval, no decline');
    assert.equal(stack.telegram.messagesIn(joiner).length, 0);
    assert.deepEqual({ ...(await requestRow(group.id)) }, { outcome: 'requester_banned', greeted: false, error: null });
    assert.ok(stillPending(group, joiner), 'the admins still see the request in Telegram');
    assert.equal(group.members.find((m) => m.user.id === joiner.id), undefined);
  });

  test('a user banned after asking, before the bot got to the request, is treated the same', async () => {
    const group = await greetingGroup();
    const joiner = stack.telegram.createUser({ first_name: 'Soon banned', language_code: 'en' });
    await stack.db.sql`insert into users (id, first_name) values (${joiner.id}, 'Soon banned')`;
    // The approval job waits (as behind a backlog) until the ban is in.
    await stack.db.sql`create function hold_join_request_jobs() returns trigger language plpgsql as $$
      begin new.run_at := now() + interval '1 hour'; return new; end $$`;
    await stack.db.sql`create trigger hold_join_request_jobs before insert on jobs for each row when (new.type = 'join_request') execute function hold_join_request_jobs()`;
    const since = stack.telegram.calls.length;
    try {
      joiner.requestToJoin(group);
      await stack.updatesDone();
    } finally {
      await stack.db.sql`drop trigger hold_join_request_jobs on jobs`;
      await stack.db.sql`drop function hold_join_request_jobs()`;
    }
    assert.equal((await stack.db.sql`select 1 from jobs where type = 'join_request'`).length, 1, 'the request was handed to its job while the user was not banned');
    await stack.db.sql`update users set banned_at = now() where id = ${joiner.id}`;
    await stack.db.sql`update jobs set run_at = now() where type = 'join_request'`;
    await stack.drained();
    assert.deepEqual(callsAbout(since, group, joiner), []);
    assert.deepEqual({ ...(await requestRow(group.id)) }, { outcome: 'requester_banned', greeted: false, error: null });
    assert.ok(stillPending(group, joiner));
  });
});

describe('greeting join requesters', () => {
  test('the welcome DM goes out before the approval, while Telegram still allows it', async () => {
    const group = await greetingGroup();
    const joiner = stack.telegram.createUser({ first_name: 'Newcomer', language_code: 'en' });
    const since = stack.telegram.calls.length;
    joiner.requestToJoin(group);
    const greeting = await stack.telegram.waitForBotMessage(joiner, undefined, WAIT);
    assert.equal(greeting.text, `👋 Welcome to “${group.title}”! Your request to join is being accepted.`);
    await settled();
    const methods = stack.telegram.calls.slice(since).map((c) => c.method).filter((m) => m === 'sendMessage' || m === 'approveChatJoinRequest');
    assert.deepEqual(methods, ['sendMessage', 'approveChatJoinRequest']);
    assert.deepEqual({ ...(await requestRow(group.id)) }, { outcome: 'approved', greeted: true, error: null });
    assert.equal(group.members.find((m) => m.user.id === joiner.id)?.status, 'member');
  });

  test('a retried job greets once: the approval failed with a 5xx after the greeting', async () => {
    const group = await greetingGroup();
    const joiner = stack.telegram.createUser({ first_name: 'Retried' });
    // More failures than the client's own retries: the job itself must be retried.
    stack.telegram.failNext('approveChatJoinRequest', serverError(500), { chatId: group.id, times: 6 });
    joiner.requestToJoin(group);
    await stack.telegram.waitForCall((c) => c.method === 'approveChatJoinRequest' && c.response.ok, { timeoutMs: 60_000 });
    await settled();
    const attempts = stack.telegram.callsTo('approveChatJoinRequest').filter((c) => Number(c.params.chat_id) === group.id);
    assert.ok(attempts.length >= 7, `approval tried ${attempts.length} times`);
    assert.ok((await stack.db.sql`select 1 from jobs where type = 'join_request'`).length === 0);
    assert.equal(stack.telegram.messagesIn(joiner).length, 1);
    assert.deepEqual({ ...(await requestRow(group.id)) }, { outcome: 'approved', greeted: true, error: null });
  });

  test('a request handled after its 5 minutes is approved without the greeting Telegram now refuses', async () => {
    const group = await greetingGroup();
    // The queue is slow: no worker runs while the request waits.
    await stack.worker?.stop(1000);
    let late: StartedWorker | undefined;
    try {
      const joiner = stack.telegram.createUser({ first_name: 'Late' });
      assert.equal(await joiner.requestToJoin(group).delivered, 'delivered');
      clock.advance(6 * 60_000);
      const mark = stack.telegram.calls.length;
      late = await startWorker({
        sql: stack.db.sql, log: testLogger, botToken: stack.telegram.token, apiRoot: stack.telegram.apiRoot,
        apiRetry: { baseDelayMs: 50 }, runner: { listen: stack.db.kind === 'server', pollIntervalMs: 50 },
      });
      await stack.telegram.waitForCall('approveChatJoinRequest', { since: mark, ...WAIT });
      await settled();
      const refused = stack.telegram.callsTo('sendMessage').filter((c) => Number(c.params.chat_id) === joiner.id);
      assert.deepEqual(refused.map((c) => c.response.ok ? 'sent' : c.response.description),
        ["Forbidden: bot can't initiate conversation with a user"]);
      assert.deepEqual({ ...(await requestRow(group.id)) }, { outcome: 'approved', greeted: false, error: null });
      assert.equal(group.members.find((m) => m.user.id === joiner.id)?.status, 'member');
      assert.equal((await stack.db.sql`select 1 from jobs where state = 'failed'`).length, 0);
    } finally {
      await late?.stop(1000);
    }
  });
});
