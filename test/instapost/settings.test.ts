import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { parseTimeZone } from '../../shared/modules/instapost/parseTimeZone.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { type Stack, startStack } from '../support/startStack.js';
import { jpeg } from '../support/testImages.js';
import { waitFor } from '../support/waitFor.js';
import { schedule, userWithAccount } from './publishSupport.js';
import { buttons, openSettings, pressEdit } from './chatSupport.js';

// /settings with InstaPost's rows, driven through the emulators as a user would: time zone,
// default account and reminders (templates and hashtags have their own files). And the growth
// bot alone (BOT_FEATURES=growth), whose /settings has only the language.

let stack: InstapostStack;
let growth: Stack;
before(async () => { [stack, growth] = await Promise.all([startInstapostStack(), startStack()]); });
after(async () => { await Promise.all([stack.stop(), growth.stop()]); });

const WAIT = { timeoutMs: 20_000 };
const labels = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => b.text) ?? [];

const remindJobs = (postId: number) => stack.db.sql<{ minutes: number | null; before: number }[]>`
  select (payload->>'minutes')::int as minutes, round(extract(epoch from (select scheduled_at from posts where id = ${postId}) - run_at) / 60)::int as before
  from jobs where type = 'instapost_remind' and payload->>'postId' = ${String(postId)} order by id`;

describe('/settings with InstaPost', () => {
  test('a time zone is a name in any case or a city (English, Russian, newer names); abbreviations and unknown names are refused', () => {
    const read = (typed: string[]) => typed.map(parseTimeZone);
    assert.deepEqual(read(['Europe/Berlin', 'europe/berlin', 'utc', 'Tokyo', 'new york', 'Sao Paulo', 'Kyiv', 'Санкт-Петербург', 'москва ']),
      ['Europe/Berlin', 'Europe/Berlin', 'UTC', 'Asia/Tokyo', 'America/New_York', 'America/Sao_Paulo', 'Europe/Kyiv', 'Europe/Moscow', 'Europe/Moscow']);
    assert.deepEqual(read(['EST', 'MSK', 'Mars/Olympus', '<b>Berlin</b>', '', 'x'.repeat(70)]), [undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  test('shows the time zone, reminder and (with several accounts) the default account, each with its screen', async () => {
    const { user } = await userWithAccount(stack);
    const settings = await openSettings(stack, user);
    assert.match(settings.text!, /Language: English, as in Telegram/);
    assert.match(settings.text!, /Time zone: UTC \(now \d{1,2}:\d{2}/);
    assert.match(settings.text!, /Reminder: 15 minutes before a post/);
    assert.doesNotMatch(settings.text!, /Default account/, 'one account: nothing to choose');
    assert.ok(buttons(settings).includes('ig:set:tz') && buttons(settings).includes('ig:set:remind'));
    assert.ok(!buttons(settings).includes('ig:set:acc'));
  });

  test('a time zone typed as a city, or a name in any case, is saved; an unknown one is refused and the next try is taken', async () => {
    const { user } = await userWithAccount(stack);
    const settings = await openSettings(stack, user);
    const screen = await pressEdit(stack, user, settings, 'ig:set:tz', /Send a zone/);
    assert.ok(buttons(screen).includes('ig:set:tz:Europe/Berlin') && buttons(screen).includes('settings:show'));
    user.sendMessage('Mars/Olympus');
    await stack.telegram.waitForBotMessage(user, (m) => /I do not know that time zone/.test(m.text ?? ''), WAIT);
    user.sendMessage('new york');
    const saved = await stack.telegram.waitForBotMessage(user, (m) => /Time zone: America\/New_York/.test(m.text ?? ''), WAIT);
    assert.ok(buttons(saved).includes('settings:show'));
    await stack.updatesDone();
    const [row] = await stack.db.sql`select time_zone from users where id = ${user.id}`;
    assert.equal(row!.time_zone, 'America/New_York');
    // The answer closed the question: a later word is not taken as a zone.
    user.sendMessage('Tokyo');
    await stack.telegram.waitForBotMessage(user, (m) => /did not understand/.test(m.text ?? ''), WAIT);

    // A common zone's button, then Back to the overview, which shows it.
    const again = await pressEdit(stack, user, screen, 'ig:set:tz:Europe/Berlin', /Europe\/Berlin/);
    assert.ok(labels(again).includes('✅ Berlin'));
    const back = await pressEdit(stack, user, again, 'settings:show', /Settings/);
    assert.match(back.text!, /Time zone: Europe\/Berlin/);
  });

  test('in Russian: the rows speak Russian and a city typed in Russian is found', async () => {
    const account = stack.instagram.createAccount({ username: `ru_${process.pid}` });
    const user = stack.telegram.createUser({ first_name: 'Оля', language_code: 'ru' });
    user.sendCommand('/start');
    await stack.telegram.waitForBotMessage(user, undefined, WAIT);
    await stack.updatesDone();
    await saveAccount(stack.db.sql, stack.services.keyring, user.id,
      { igUserId: account.igUserId!, pageId: account.pageId, username: account.username!, followersCount: 1 }, account.pageToken, { maxAccounts: 5 });
    const settings = await openSettings(stack, user);
    assert.match(settings.text!, /Часовой пояс: UTC/);
    assert.match(settings.text!, /Напоминание: за 15 минут до поста/);
    await pressEdit(stack, user, settings, 'ig:set:tz', /Пришлите пояс/);
    user.sendMessage('Новосибирск');
    await stack.telegram.waitForBotMessage(user, (m) => /Часовой пояс: Asia\/Novosibirsk/.test(m.text ?? ''), WAIT);
  });

  test('the default account is chosen among several; new posts go to it', async () => {
    const { user, accountId: first } = await userWithAccount(stack);
    const other = stack.instagram.createAccount({ username: `second_${process.pid}` });
    const saved = await saveAccount(stack.db.sql, stack.services.keyring, user.id,
      { igUserId: other.igUserId!, pageId: other.pageId, username: other.username!, followersCount: 1 }, other.pageToken, { maxAccounts: 5 });
    assert.equal(saved.status, 'connected');
    const second = (saved as { id: number }).id;
    const settings = await openSettings(stack, user);
    assert.match(settings.text!, /Default account: @pub_/);
    const screen = await pressEdit(stack, user, settings, 'ig:set:acc', /Default account/);
    assert.ok(buttons(screen).includes(`ig:set:acc:${first}`));
    const chosen = await pressEdit(stack, user, screen, `ig:set:acc:${second}`, /Default account/);
    assert.ok(labels(chosen).includes(`✅ @${other.username}`));
    const rows = await stack.db.sql<{ id: number; is_default: boolean }[]>`select id, is_default from instagram_accounts where user_id = ${user.id} order by id`;
    assert.deepEqual(rows.map((r) => [r.id, r.is_default]), [[first, false], [second, true]]);
    user.sendCommand('/post');
    await stack.telegram.waitForBotMessage(user, (m) => new RegExp(`@${other.username}`).test(m.text ?? ''), WAIT);
  });

  test('the reminder setting applies to posts already scheduled: off sends none, 60 minutes reminds an hour before', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 3 * 3_600_000) });
    assert.deepEqual((await remindJobs(postId)).map((j) => [j.minutes, j.before]), [[15, 15]]);
    const settings = await openSettings(stack, user);
    const screen = await pressEdit(stack, user, settings, 'ig:set:remind', /Reminder/);
    const off = await pressEdit(stack, user, screen, 'ig:set:remind:0', /Reminder: off/);
    assert.ok(labels(off).includes('✅ Off'));
    // The reminder made for 15 minutes runs now: reminders are off, so it says nothing.
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    stack.worker!.runner.kick();
    await waitFor('the old reminder done', async () => (await remindJobs(postId)).length === 0, { on: [[stack.worker!.runner, 'completed'], [stack.worker!.runner, 'failed']] });
    const [quiet] = await stack.db.sql`select reminded_at from posts where id = ${postId}`;
    assert.equal(quiet!.reminded_at, null, 'reminded although reminders are off');

    const hour = await pressEdit(stack, user, off, 'ig:set:remind:60', /60 minutes/);
    assert.ok(labels(hour).includes('✅ 60 minutes'));
    assert.deepEqual((await remindJobs(postId)).map((j) => [j.minutes, j.before]), [[60, 60]]);
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    stack.worker!.runner.kick();
    await stack.telegram.waitForBotMessage(user, (m) => new RegExp(`Post #${postId} goes out`).test(m.text ?? ''), WAIT);
  });
});

describe('/settings of the growth bot alone (BOT_FEATURES=growth)', () => {
  test('shows the language only, with no InstaPost row or button', async () => {
    const user = growth.telegram.createUser({ first_name: 'Gia', language_code: 'en' });
    user.sendCommand('/start');
    await growth.telegram.waitForBotMessage(user, undefined, WAIT);
    const settings = await openSettings(growth, user);
    assert.equal(settings.text, '⚙️ Settings\n\nLanguage: English, as in Telegram');
    assert.deepEqual(buttons(settings), ['settings:lang:en', 'settings:lang:ru', 'settings:lang:auto']);
    const english = await pressEdit(growth, user, settings, 'settings:lang:en', /Language: English$/m);
    assert.deepEqual(buttons(english), ['settings:lang:en', 'settings:lang:ru', 'settings:lang:auto']);
  });
});
