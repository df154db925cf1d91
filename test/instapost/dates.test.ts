import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { publishedAndFailed, schedule, userWithAccount } from './publishSupport.js';

// Every date the bot shows is in the user's time zone and their language's format, relative
// when it is near: /queue, /history and the reminder, in English and Russian.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const HOUR = 3_600_000;
const told = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? ''), WAIT);

/** The wall clock `HH:MM` of `at` in `zone` (24-hour), as a check that the zone was applied. */
const clock = (at: Date, zone: string) => new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);

async function russian(zone: string) {
  const made = await userWithAccount(stack, { languageCode: 'ru' });
  await stack.db.sql`update users set time_zone = ${zone} where id = ${made.user.id}`;
  return made;
}

describe('dates in the user\'s zone and language', () => {
  test('/queue: a post in 2 hours reads "через 2 часа" with its Moscow time; one far off has a Russian date and no relative part', async () => {
    const { user, accountId } = await russian('Europe/Moscow');
    const soon = new Date(Date.now() + 2 * HOUR + 5 * 60_000);
    const later = new Date(Date.UTC(2099, 6, 1, 6, 30));
    await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { caption: 'soon', at: soon });
    await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { caption: 'later', at: later });
    user.sendCommand('/queue');
    const queue = await told(user, /soon/);
    assert.match(queue.text!, new RegExp(`через 2 часа, [^\\n]*${clock(soon, 'Europe/Moscow')} \\(Europe/Moscow\\)`));
    // 2099-07-01 06:30 UTC is 09:30 in Moscow: a Russian date (1 июл. 2099 г.), 24-hour time.
    assert.match(queue.text!, /1 июл\. 2099 г\., 09:30 \(Europe\/Moscow\)/);
    assert.doesNotMatch(queue.text!, /через \d+ (дн|д\.)/);
  });

  test('/queue in English and New York: "in 2 hours" with the local time', async () => {
    const { user, accountId } = await userWithAccount(stack);
    await stack.db.sql`update users set time_zone = 'America/New_York' where id = ${user.id}`;
    const soon = new Date(Date.now() + 2 * HOUR + 5 * 60_000);
    await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { caption: 'soon', at: soon });
    user.sendCommand('/queue');
    const queue = await told(user, /soon/);
    const local = new Intl.DateTimeFormat('en', { timeZone: 'America/New_York', timeStyle: 'short' }).format(soon);
    assert.ok(queue.text!.includes(`in 2 hours, `) && queue.text!.includes(`${local} (America/New_York)`), queue.text!);
  });

  test('/history: a published and a failed post, each with when it happened, relative ("minutes ago"/"минуту назад")', async () => {
    const made = await russian('Asia/Tokyo');
    const { user } = made;
    await publishedAndFailed(stack, made);
    user.sendCommand('/history');
    const history = await told(user, /История/);
    const lines = history.text!.split('\n').filter((l) => /^[✅❌]/u.test(l));
    assert.equal(lines.length, 2);
    for (const line of lines) assert.match(line, /(в эту минуту|\d+ минут\S* назад), [^\n]*\(Asia\/Tokyo\)/);
  });

  test('the reminder says when in the user\'s zone and language: "через 40 минут" and the Berlin time', async () => {
    const { user, accountId } = await russian('Europe/Berlin');
    const at = new Date(Date.now() + 40 * 60_000 + 20_000);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at });
    await stack.db.sql`update users set notify_before_minutes = 15 where id = ${user.id}`;
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    stack.worker!.runner.kick();
    const reminder = await told(user, new RegExp(`Публикация #${postId} выйдет`));
    assert.match(reminder.text!, new RegExp(`через 40 минут, [^\\n]*${clock(at, 'Europe/Berlin')} \\(Europe/Berlin\\)`));
  });
});
