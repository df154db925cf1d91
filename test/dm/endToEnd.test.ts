import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type Stack, startStack } from '../support/startStack.js';

// The direct-message product end to end: the emulator delivers each user's updates to the
// real webhook, the worker runs the bot, and the tests read the chat as the user would.
// Every user here is new, since each may send at most 10 commands a minute.

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 15_000 };
let nextUser = 0;
const newUser = (first_name = `User${++nextUser}`, language_code = 'en') => stack.telegram.createUser({ first_name, language_code });

/**
 * Sends a command (or text) and resolves with the bot's next message to this user, once the
 * update's job finished: an update commits after its reply was sent, so a test that reads the
 * database next waits for that.
 */
async function ask(user: EmulatedUser, text: string, payload?: string): Promise<Message> {
  if (text.startsWith('/')) user.sendCommand(text, payload);
  else user.sendMessage(text);
  const reply = await stack.telegram.waitForBotMessage(user, undefined, WAIT);
  await stack.drained();
  return reply;
}

/**
 * Presses a button and resolves once the bot answered the press and, unless `edits` is false,
 * tried to edit the message; with the message as it is then. Waits on the emulator rather than
 * the database, so the tests also run on the embedded one (see the note on the load test).
 */
async function press(user: EmulatedUser, message: Message, data: string, { edits = true } = {}): Promise<{ message: Message; answer: Record<string, unknown> }> {
  const since = stack.telegram.calls.length;
  const action = user.pressButton(message, data);
  const id = action.update.callback_query!.id;
  const answer = await stack.telegram.waitFor(() => stack.telegram.callbackAnswer(id), { ...WAIT, description: `an answer to ${data}` });
  if (edits) {
    await stack.telegram.waitForCall((c) => c.method === 'editMessageText' && c.params.message_id === message.message_id, { ...WAIT, since });
  }
  await stack.drained();
  const now = stack.telegram.messagesIn(user).find((m) => m.message_id === message.message_id)!;
  return { message: now, answer };
}

const pointsOf = async (user: EmulatedUser) => (await stack.db.sql<{ points: number }[]>`select points from users where id = ${user.id}`)[0]?.points;
const buttons = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)) ?? [];
const links = (m: Message) => (m.entities ?? []).filter((e) => e.type === 'text_link').map((e) => (e as { url: string }).url);
const referralCode = (m: Message) => /https:\/\/t\.me\/test_bot\?start=([0-9a-f]{10})/.exec(m.text ?? '')?.[1];

describe('registration and menu', () => {
  test('/start registers the user and shows the welcome with the main menu; again, it welcomes back', async () => {
    const ann = newUser('Ann');
    const welcome = await ask(ann, '/start');
    assert.match(welcome.text!, /Welcome, Ann!/);
    assert.deepEqual(buttons(welcome), ['menu:points', 'menu:live', 'menu:golive', 'menu:username', 'menu:settings', 'menu:help']);
    const [row] = await stack.db.sql`select first_name, language_code, points from users where id = ${ann.id}`;
    assert.deepEqual({ ...row }, { first_name: 'Ann', language_code: 'en', points: 10 });
    assert.match((await ask(ann, '/start')).text!, /Welcome back, Ann!/);
    assert.equal((await stack.db.sql`select 1 from users where id = ${ann.id}`).length, 1);
  });

  test('/help lists every command with one line each', async () => {
    const help = await ask(newUser(), '/help');
    for (const command of ['start', 'points', 'live', 'golive', 'username', 'settings', 'help']) {
      assert.match(help.text!, new RegExp(`^/${command} — .+$`, 'm'), command);
    }
  });

  test('an unknown command and plain text each get a short hint, quoting the message', async () => {
    const user = newUser();
    await ask(user, '/start');
    const unknown = await ask(user, '/frobnicate');
    assert.match(unknown.text!, /do not know that command.*\/help/);
    assert.ok(unknown.reply_to_message, 'the hint quotes the message');
    assert.match((await ask(user, 'hello?')).text!, /did not understand.*\/help/);
  });

  test('a menu button does what its command does, and the press is answered', async () => {
    const user = newUser();
    const welcome = await ask(user, '/start');
    const { answer } = await press(user, welcome, 'menu:points', { edits: false });
    assert.ok(answer);
    assert.match((await stack.telegram.waitForBotMessage(user, undefined, WAIT)).text!, /Your points/);
  });

  test('100 users send /start at once: every one is answered and has exactly one user row', { timeout: 180_000 }, async () => {
    const users = Array.from({ length: 100 }, (_, i) => newUser(`Load${i}`));
    for (const user of users) user.sendCommand('/start');
    const welcomes = await Promise.all(users.map((u) => stack.telegram.waitForBotMessage(u, undefined, { timeoutMs: 120_000 })));
    welcomes.forEach((w, i) => assert.match(w.text!, new RegExp(`Welcome, Load${i}!`)));
    await stack.drained();
    const ids = users.map((u) => u.id);
    const [rows] = await stack.db.sql`select count(*)::int as n, count(distinct id)::int as d from users where id = any(${ids})`;
    assert.deepEqual({ ...rows }, { n: 100, d: 100 });
    for (const user of users) assert.equal(stack.telegram.messagesIn(user).length, 1, `one welcome for ${user.id}`);
  });
});

describe('referrals', () => {
  test('a chain: A refers B, B refers C; A is credited for B and told, B for C, A nothing for C', async () => {
    const [a, b, c] = [newUser('Alice'), newUser('Bob'), newUser('Carol')];
    await ask(a, '/start');
    const aCode = referralCode(await ask(a, '/points'));
    assert.ok(aCode, 'the /points message carries the invite link');

    await ask(b, '/start', aCode);
    const told = await stack.telegram.waitForBotMessage(a, undefined, WAIT);
    assert.match(told.text!, /Bob joined with your invite link: \+10 points! Balance: 20 points\./);

    const bCode = referralCode(await ask(b, '/points'));
    await ask(c, '/start', bCode);
    assert.match((await stack.telegram.waitForBotMessage(b, undefined, WAIT)).text!, /Carol joined/);

    // Each has the daily 10; A and B 10 more for the one each invited.
    assert.deepEqual([await pointsOf(a), await pointsOf(b), await pointsOf(c)], [20, 20, 10]);
    assert.equal(stack.telegram.messagesIn(a).filter((m) => /joined with your invite link/.test(m.text ?? '')).length, 1, 'A is told once, about B only');
    assert.match((await ask(a, '/points')).text!, /Friends who joined with your link: 1/);
  });

  test('no credit for your own link, for a returning user, or for a malformed code; the user still registers', async () => {
    const [a, b] = [newUser('Owner'), newUser('Returning')];
    await ask(a, '/start');
    const aCode = referralCode(await ask(a, '/points'))!;
    assert.match((await ask(a, '/start', aCode)).text!, /Welcome back/);
    await ask(b, '/start');
    await ask(b, '/start', aCode);
    const fresh = newUser('Fresh');
    assert.match((await ask(fresh, '/start', 'not-a-code!')).text!, /Welcome, Fresh!/);
    assert.equal(await pointsOf(a), 10, 'only the daily points');
    assert.equal((await stack.db.sql`select 1 from points_ledger where reason = 'referral' and user_id = ${a.id}`).length, 0);
    assert.equal(await pointsOf(fresh), 10);
  });
});

describe('points', () => {
  test('/points shows the balance, today\'s bonus, the invite link and the referral count', async () => {
    const user = newUser();
    await ask(user, '/start');
    const text = (await ask(user, '/points')).text!;
    assert.match(text, /Balance: 10 points/);
    assert.match(text, /Daily bonus: \+10 points today/);
    assert.match(text, /Friends who joined with your link: 0/);
    assert.match(text, /You get 10 points for each friend/);
    assert.ok(referralCode({ text } as Message));
  });

  test('several updates at the first interaction of a new day grant the daily points once', async () => {
    const user = newUser();
    await ask(user, '/start');
    // Make the grant yesterday's.
    await stack.db.sql`update users set daily_points_on = daily_points_on - 1 where id = ${user.id}`;
    await stack.db.sql`update points_ledger set created_at = created_at - interval '1 day' where user_id = ${user.id}`;
    const before = stack.telegram.messagesIn(user).length;
    for (let i = 0; i < 5; i++) user.sendMessage(`message ${i}`);
    await stack.telegram.waitFor(() => (stack.telegram.messagesIn(user).length === before + 5 ? true : undefined), WAIT);
    assert.equal(await pointsOf(user), 20);
    const daily = await stack.db.sql`select delta from points_ledger where user_id = ${user.id} and reason = 'daily'`;
    assert.equal(daily.length, 2, 'yesterday\'s and today\'s');
  });

  test('unlimited points: /points says so and /golive is free', async () => {
    const user = newUser();
    await ask(user, '/start');
    await stack.db.sql`update users set unlimited_points = true where id = ${user.id}`;
    assert.match((await ask(user, '/points')).text!, /Balance: ♾ unlimited/);
    await ask(user, '/username', 'unlimited.user');
    assert.match((await ask(user, '/golive')).text!, /You are live![\s\S]*Free for you/);
    assert.equal(await pointsOf(user), 10);
  });
});

describe('Instagram username and going live', () => {
  test('/username asks for the username, refuses an invalid one, saves a valid one', async () => {
    const user = newUser();
    await ask(user, '/start');
    assert.match((await ask(user, '/username')).text!, /Send me your Instagram username/);
    assert.match((await ask(user, 'not valid!')).text!, /not an Instagram username/);
    assert.match((await ask(user, '@Nat.Geo_1')).text!, /Your Instagram is @nat\.geo_1/);
    const [row] = await stack.db.sql`select live_username from users where id = ${user.id}`;
    assert.equal(row!.live_username, 'nat.geo_1');
    // After saving, plain text is plain text again.
    assert.match((await ask(user, 'thanks')).text!, /did not understand/);
  });

  test('spending down to zero: /golive spends the 10 points, then is refused with the balance', async () => {
    const user = newUser();
    await ask(user, '/start');
    assert.match((await ask(user, '/golive')).text!, /First tell me your Instagram username/);
    await ask(user, '/username', 'zero_balance');
    assert.match((await ask(user, '/golive')).text!, /@zero_balance is on the list for 60 minutes\.\nSpent 10 points; your balance is 0 points\./);
    assert.match((await ask(user, '/golive')).text!, /already live as @zero_balance, for 60 minutes more/);
    await stack.db.sql`update live_sessions set started_at = now() - interval '2 hours', ends_at = now() - interval '1 hour' where user_id = ${user.id}`;
    assert.match((await ask(user, '/golive')).text!, /Going live costs 10 points, and you have 0 points/);
    const ledger = await stack.db.sql`select reason, delta, balance_after from points_ledger where user_id = ${user.id} order by id`;
    assert.deepEqual(ledger.map((r) => ({ ...r })), [
      { reason: 'daily', delta: 10, balance_after: 10 },
      { reason: 'golive', delta: -10, balance_after: 0 },
    ]);
  });
});

describe('/live', () => {
  async function putLive(count: number): Promise<number[]> {
    await stack.db.sql`delete from live_sessions`;
    const ids: number[] = [];
    for (let i = 0; i < count; i++) {
      const id = 500_000 + i;
      const name = `live${String(i).padStart(2, '0')}`;
      await stack.db.sql`insert into users (id, first_name, live_username) values (${id}, 'L', ${name}) on conflict (id) do nothing`;
      await stack.db.sql`insert into live_sessions (user_id, live_username, started_at, ends_at)
        values (${id}, ${name}, now() - ${count - i} * interval '1 second', now() + interval '45 minutes')`;
      ids.push(id);
    }
    return ids;
  }

  test('an empty list says so', async () => {
    await stack.db.sql`delete from live_sessions`;
    assert.match((await ask(newUser(), '/live')).text!, /Nobody is live right now/);
  });

  test('newest first, 10 a page, each linking to the profile; Next and Previous edit the same message', async () => {
    await putLive(23);
    const user = newUser();
    const first = await ask(user, '/live');
    assert.match(first.text!, /Live now: 23 people/);
    assert.match(first.text!, /^1\. @live22, 45 minutes left$/m);
    assert.match(first.text!, /^10\. @live13, /m);
    assert.match(first.text!, /Page 1 of 3/);
    assert.equal(links(first)[0], 'https://www.instagram.com/live22/');
    assert.equal(links(first).length, 10);
    assert.deepEqual(buttons(first), ['live:1']);

    const second = (await press(user, first, 'live:1')).message;
    assert.equal(second.message_id, first.message_id);
    assert.match(second.text!, /^11\. @live12, /m);
    assert.deepEqual(buttons(second), ['live:0', 'live:2']);
    const third = (await press(user, second, 'live:2')).message;
    assert.match(third.text!, /^21\. @live02, [\s\S]*^23\. @live00, /m);
    assert.deepEqual(buttons(third), ['live:1']);
    const back = (await press(user, third, 'live:1')).message;
    assert.match(back.text!, /Page 2 of 3/);
    assert.equal(stack.telegram.messagesIn(user).length, 1, 'paging sent no new messages');
  });

  test('a stale button after the list shrank shows the last page; after everyone left, says so', async () => {
    const ids = await putLive(23);
    const user = newUser();
    const first = await ask(user, '/live');
    const second = (await press(user, first, 'live:1')).message;
    await stack.db.sql`update live_sessions set started_at = now() - interval '2 hours', ends_at = now() - interval '1 second' where user_id = any(${ids.slice(0, 12)})`;
    const stale = await press(user, second, 'live:2');
    assert.ok(stale.answer);
    assert.match(stale.message.text!, /Live now: 11 people/);
    assert.match(stale.message.text!, /Page 2 of 2/);
    assert.match(stale.message.text!, /^11\. @live12, /m);
    await stack.db.sql`update live_sessions set started_at = now() - interval '2 hours', ends_at = now() - interval '1 second'`;
    const empty = await press(user, stale.message, 'live:0');
    assert.match(empty.message.text!, /Nobody is live right now/);
    assert.deepEqual(buttons(empty.message), []);
  });
});

describe('rate limit', () => {
  test('the 11th command in a minute is told when to retry, the 12th is dropped; a button press, on its own limit, still works', async () => {
    const user = newUser();
    const welcome = await ask(user, '/start');
    const commands = Array.from({ length: 11 }, () => user.sendCommand('/help'));
    // A press has its own delivery queue (Telegram's, per user), so it may overtake the chat's
    // messages: press only once all eleven commands reached the webhook and the notice was sent.
    await Promise.all(commands.map((command) => command.delivered));
    await stack.telegram.waitForBotMessage(user, (m) => /Try again in/.test(m.text ?? ''), WAIT);
    const messages = stack.telegram.messagesIn(user);
    assert.equal(messages.length, 11, 'welcome, 9 × help, and the notice; nothing for the 12th');
    assert.match(messages.at(-1)!.text!, /That is more than 10 commands in 60 seconds\. Try again in \d+ seconds\./);
    const { answer } = await press(user, welcome, 'menu:help', { edits: false });
    assert.equal(answer.text, undefined, 'no wait: presses are not commands');
    assert.match((await stack.telegram.waitForBotMessage(user, undefined, WAIT)).text!, /^\/start — /m);
    const [row] = await stack.db.sql`select cardinality(hits) as hits from rate_limits where user_id = ${user.id} and action = 'commands'`;
    assert.equal(row!.hits, 10);
  });
});

describe('languages', () => {
  test('a Russian user is answered in Russian, with Russian plurals', async () => {
    const user = newUser('Иван', 'ru');
    assert.match((await ask(user, '/start')).text!, /Добро пожаловать, Иван![\s\S]*вы получаете 10 баллов каждый день/);
    assert.match((await ask(user, '/points')).text!, /Баланс: 10 баллов/);
  });

  test('/settings changes the language, the message switches at once, and "as in Telegram" switches back', async () => {
    const user = newUser('Мария', 'ru');
    await ask(user, '/start');
    const settings = await ask(user, '/settings');
    assert.match(settings.text!, /Язык: Русский, как в Telegram/);
    const english = await press(user, settings, 'settings:lang:en');
    assert.equal(english.answer.text, '✅ Saved');
    assert.match(english.message.text!, /Language: English$/m);
    assert.match((await ask(user, '/help')).text!, /What I can do/);
    const auto = await press(user, english.message, 'settings:lang:auto');
    assert.match(auto.message.text!, /Язык: Русский, как в Telegram/);
    assert.match((await ask(user, '/help')).text!, /Что я умею/);
  });
});
