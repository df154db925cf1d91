import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { botBlocked, serverError } from '../../emulator/telegram/index.js';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type Stack, startStack } from '../support/startStack.js';

// A failed attempt must leave nothing behind: the retry behaves as the first attempt would
// have. retryApiCalls makes four calls per attempt (one and three retries), so four 502s fail
// one attempt of the job and the next attempt's call goes through.

let stack: Stack;
// Backoff shortened so that a retried job runs within the test's wait.
before(async () => { stack = await startStack({ runner: { backoff: { baseMs: 50, maxMs: 200 } } }); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const FAIL_ONE_ATTEMPT = 4;

async function registered(name: string): Promise<EmulatedUser> {
  const user = stack.telegram.createUser({ first_name: name, language_code: 'en' });
  user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, (m) => /Welcome/.test(m.text ?? ''), WAIT);
  // An update commits after its reply was sent.
  await stack.drained();
  return user;
}

const codeOf = async (user: EmulatedUser) =>
  (await stack.db.sql<{ referral_code: string }[]>`select referral_code from users where id = ${user.id}`)[0]!.referral_code;

async function jobsLeft(): Promise<number> {
  const start = Date.now();
  for (;;) {
    const [row] = await stack.db.sql<{ live: number; failed: number }[]>`
      select count(*) filter (where state <> 'failed')::int as live, count(*) filter (where state = 'failed')::int as failed from jobs`;
    if (row!.live === 0) return row!.failed;
    if (Date.now() - start > WAIT.timeoutMs) throw new Error('the queue did not drain');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a retried update behaves as its first attempt would have', () => {
  test('/start whose welcome fails once: the new user is welcomed as new and the referrer is credited and told once', async () => {
    const referrer = await registered('Ria');
    const newcomer = stack.telegram.createUser({ first_name: 'Nat', language_code: 'en' });
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: newcomer.id, times: FAIL_ONE_ATTEMPT });
    newcomer.sendCommand('/start', await codeOf(referrer));
    const welcome = await stack.telegram.waitForBotMessage(newcomer, undefined, WAIT);
    assert.match(welcome.text!, /^👋 Welcome, Nat!/, 'not "Welcome back": the failed attempt registered nobody');
    const notice = await stack.telegram.waitForBotMessage(referrer, (m) => /joined with your invite link/.test(m.text ?? ''), WAIT);
    assert.match(notice.text!, /Nat joined with your invite link: \+10 points! Balance: 20 points/);
    assert.equal(await jobsLeft(), 0);
    const notices = stack.telegram.messagesIn(referrer).filter((m) => /joined with your invite link/.test(m.text ?? ''));
    assert.equal(notices.length, 1);
    const credits = await stack.db.sql`select 1 from points_ledger where user_id = ${referrer.id} and reason = 'referral'`;
    assert.equal(credits.length, 1);
    const [nat] = await stack.db.sql<{ points: number; referred_by: number }[]>`select points, referred_by from users where id = ${newcomer.id}`;
    assert.deepEqual({ ...nat }, { points: 10, referred_by: referrer.id }, "today's points granted once");
  });

  test('the referrer\'s notice that fails once is sent on its own retry, and the new user\'s welcome is not repeated', async () => {
    const referrer = await registered('Rob');
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: referrer.id, times: FAIL_ONE_ATTEMPT });
    const newcomer = stack.telegram.createUser({ first_name: 'Noa', language_code: 'en' });
    newcomer.sendCommand('/start', await codeOf(referrer));
    await stack.telegram.waitForBotMessage(referrer, (m) => /Noa joined/.test(m.text ?? ''), WAIT);
    assert.equal(await jobsLeft(), 0);
    assert.equal(stack.telegram.messagesIn(newcomer).length, 1, 'one welcome');
  });

  test('a command whose reply fails once is counted once against the rate limit', async () => {
    const user = await registered('Cal');
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: user.id, times: FAIL_ONE_ATTEMPT });
    user.sendCommand('/points');
    await stack.telegram.waitForBotMessage(user, (m) => /Balance/.test(m.text ?? ''), WAIT);
    assert.equal(await jobsLeft(), 0);
    const [row] = await stack.db.sql<{ hits: number }[]>`select cardinality(hits) as hits from rate_limits where user_id = ${user.id} and action = 'commands'`;
    assert.equal(row!.hits, 2, '/start and /points, each once');
  });

  test('a button press whose reply fails once still gets its answer: Help after four 502s', async () => {
    const user = await registered('Hal');
    const menu = stack.telegram.messagesIn(user).at(-1)!;
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: user.id, times: FAIL_ONE_ATTEMPT });
    const press = user.pressButton(menu, 'menu:help');
    const help = await stack.telegram.waitForBotMessage(user, undefined, WAIT);
    assert.match(help.text!, /^\/start — /m);
    assert.equal(await jobsLeft(), 0, 'no dead job');
    const answers = stack.telegram.callsTo('answerCallbackQuery').filter((c) => c.params.callback_query_id === press.update.callback_query!.id);
    assert.equal(answers.length, 2, 'answered on the first attempt; the retry\'s answer was refused and the press went on');
    assert.equal(answers[1]!.response.ok, false);
  });
});

describe('what cannot be answered', () => {
  test('a reply refused with 403 "bot was blocked by the user" marks the user unreachable there and then', async () => {
    const user = await registered('Bo');
    stack.telegram.failNext('sendMessage', botBlocked(), { chatId: user.id });
    user.sendCommand('/points');
    await stack.telegram.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === user.id && !c.response.ok, WAIT);
    assert.equal(await jobsLeft(), 0, 'dropped, not failed');
    const [row] = await stack.db.sql<{ unreachable: boolean }[]>`select unreachable_since is not null as unreachable from users where id = ${user.id}`;
    assert.equal(row!.unreachable, true);
  });

  test('a 5,000-character first name is cut for display, and the welcome is sent', async () => {
    const user = stack.telegram.createUser({ first_name: 'A'.repeat(5000), language_code: 'en' });
    user.sendCommand('/start');
    const welcome = await stack.telegram.waitForBotMessage(user, undefined, WAIT);
    assert.match(welcome.text!, new RegExp(`^👋 Welcome, A{63}…!`));
    assert.equal(await jobsLeft(), 0);
  });
});
