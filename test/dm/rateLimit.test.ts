import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createSql } from '../../shared/db/createSql.js';
import { Api, Context } from 'grammy';
import type { MessageEntity, UserFromGetMe } from 'grammy/types';
import { hitRateLimit } from '../../shared/bot/rateLimit/hitRateLimit.js';
import { isCommandToThisBot } from '../../shared/bot/rateLimit/isCommandToThisBot.js';
import { namedRateLimits } from '../../shared/bot/rateLimit/rateLimits.js';
import { type Stack, startStack } from '../support/startStack.js';
import { createTestDatabase, needsServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

describe('the rate limit', () => {
  test('allows 10 commands, then tells once when to retry, then drops silently', async () => {
    const rule = { requests: 10, windowMs: 60_000 };
    const verdicts = [];
    for (let i = 0; i < 13; i++) verdicts.push(await hitRateLimit(db.sql, 1, 'commands', rule));
    assert.deepEqual(verdicts.slice(0, 10).map((v) => v.allowed), Array(10).fill(true));
    const [told, ...silent] = verdicts.slice(10);
    assert.ok(!told!.allowed && told!.tell);
    assert.ok(!told!.allowed && told!.retryInMs > 55_000 && told!.retryInMs <= 60_000, 'retry when the first command leaves the window');
    assert.deepEqual(silent.map((v) => !v.allowed && v.tell), [false, false]);
  });

  test('counts each user separately', async () => {
    const rule = { requests: 1, windowMs: 60_000 };
    assert.equal((await hitRateLimit(db.sql, 2, 'commands', rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 3, 'commands', rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 2, 'commands', rule)).allowed, false);
  });

  test('lets the user back in when the window frees up, and tells them again next time', async () => {
    // A minute's window, passed by ageing the recorded hits: no race between the first three
    // hits and a short window on a slow machine, and no sleeping.
    const rule = { requests: 2, windowMs: 60_000 };
    await hitRateLimit(db.sql, 4, 'commands', rule);
    await hitRateLimit(db.sql, 4, 'commands', rule);
    const first = await hitRateLimit(db.sql, 4, 'commands', rule);
    assert.ok(!first.allowed && first.tell);
    await db.sql`update rate_limits set hits = array(select h - interval '61 seconds' from unnest(hits) h) where user_id = 4 and action = 'commands'`;
    assert.equal((await hitRateLimit(db.sql, 4, 'commands', rule)).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 4, 'commands', rule)).allowed, true);
    const second = await hitRateLimit(db.sql, 4, 'commands', rule);
    assert.ok(!second.allowed && second.tell, 'a new limited period is told again');
  });

  test('30 commands at once from 3 connections: exactly 10 allowed, one told', { skip: needsServer }, async () => {
    const pools = Array.from({ length: 3 }, () => createSql(db.url, { max: 5 }));
    try {
      const verdicts = await Promise.all(Array.from({ length: 30 }, (_, i) => hitRateLimit(pools[i % 3]!, 5, 'commands', { requests: 10, windowMs: 60_000 })));
      assert.equal(verdicts.filter((v) => v.allowed).length, 10);
      assert.equal(verdicts.filter((v) => !v.allowed && v.tell).length, 1);
    } finally {
      await Promise.all(pools.map((p) => p.end({ timeout: 1 })));
    }
  });
});

describe('named limits', () => {
  test('each action counts on its own: 20 image uploads a minute, the 21st refused, while commands are untouched', async () => {
    const uploads = [];
    for (let i = 0; i < 21; i++) uploads.push(await hitRateLimit(db.sql, 6, 'image_upload', namedRateLimits.image_upload));
    assert.deepEqual(uploads.map((v) => v.allowed), [...Array(20).fill(true), false]);
    assert.equal((await hitRateLimit(db.sql, 6, 'commands', { requests: 1, windowMs: 60_000 })).allowed, true);
    assert.equal((await hitRateLimit(db.sql, 6, 'post_create', namedRateLimits.post_create)).allowed, true);
  });

  test('the seed\'s numbers: post_create 10 a minute, image_upload 20 a minute, account_connect 5 an hour', () => {
    assert.deepEqual(namedRateLimits.post_create, { requests: 10, windowMs: 60_000 });
    assert.deepEqual(namedRateLimits.image_upload, { requests: 20, windowMs: 60_000 });
    assert.deepEqual(namedRateLimits.account_connect, { requests: 5, windowMs: 3_600_000 });
  });
});

describe('what counts as a command', () => {
  const me = { id: 1, is_bot: true, first_name: 'Test', username: 'test_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false, has_main_web_app: false } as UserFromGetMe;
  const message = (text: string, entities: MessageEntity[]) => new Context({
    update_id: 1,
    message: { message_id: 1, date: 0, chat: { id: -5, type: 'supergroup', title: 'G' }, from: { id: 7, is_bot: false, first_name: 'U' }, text, entities },
  }, new Api('1:x'), me);

  test('a bot_command at offset 0 counts even when another entity comes first (a bold one at the same offset)', () => {
    assert.equal(isCommandToThisBot(message('/init', [{ type: 'bold', offset: 0, length: 5 }, { type: 'bot_command', offset: 0, length: 5 }])), true);
  });

  test('a command to this bot by name counts; one to another bot, or one later in the text, does not', () => {
    assert.equal(isCommandToThisBot(message('/init@Test_Bot', [{ type: 'bot_command', offset: 0, length: 14 }])), true);
    assert.equal(isCommandToThisBot(message('/init@other_bot', [{ type: 'bot_command', offset: 0, length: 15 }])), false);
    assert.equal(isCommandToThisBot(message('see /init', [{ type: 'bot_command', offset: 4, length: 5 }])), false);
    assert.equal(isCommandToThisBot(message('/init', [])), false, 'no entity: Telegram did not see a command');
  });
});

describe('the limits in the running bot', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(async () => { await stack.stop(); });

  test('an album of photos and plain messages do not use up commands; button presses have their own limit', async () => {
    const user = stack.telegram.createUser({ first_name: 'Pia', language_code: 'en' });
    user.sendCommand('/start');
    const welcome = await stack.telegram.waitForBotMessage(user, undefined, { timeoutMs: 15_000 });
    for (let i = 0; i < 12; i++) user.sendPhoto();
    for (let i = 0; i < 3; i++) user.sendMessage(`hello ${i}`);
    for (let i = 0; i < 9; i++) user.sendCommand('/points');
    // Drained, not just answered: an update commits after its reply was sent.
    await stack.drained();
    assert.equal(stack.telegram.messagesIn(user).filter((m) => /Balance/.test(m.text ?? '')).length, 9);
    assert.equal(stack.telegram.messagesIn(user).filter((m) => /Try again in/.test(m.text ?? '')).length, 0, '/start and 9 × /points are 10 commands: none refused');
    const [row] = await stack.db.sql<{ hits: number }[]>`select cardinality(hits) as hits from rate_limits where user_id = ${user.id} and action = 'commands'`;
    assert.equal(row!.hits, 10);
    // Commands are used up; a button press is still let through, on its own limit.
    const press = user.pressButton(welcome, 'menu:help');
    await stack.telegram.waitForBotMessage(user, (m) => /^\/start — /m.test(m.text ?? ''), { timeoutMs: 15_000 });
    assert.equal(stack.telegram.callbackAnswer(press.update.callback_query!.id)?.text, undefined, 'answered without a wait');
  });
});
