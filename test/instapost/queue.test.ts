import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { waitFor } from '../support/waitFor.js';
import { postReaches, publishedAndFailed, schedule, userWithAccount } from './publishSupport.js';
import { buttons } from './chatSupport.js';

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

describe('/queue and /history', () => {
  test('upcoming posts a page at a time; Cancel, Reschedule (typed, in the user\'s zone) and Post now', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    const ids: number[] = [];
    for (let d = 1; d <= 7; d++) ids.push(await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { caption: `day ${d}`, at: inDays(d) }));
    user.sendCommand('/queue');
    const first = await stack.telegram.waitForBotMessage(user, (m) => /Upcoming posts/.test(m.text ?? ''), WAIT);
    assert.match(first.text!, /page 1 of 2/);
    assert.match(first.text!, /day 1[\s\S]*day 5/);
    assert.doesNotMatch(first.text!, /day 6/);
    assert.ok(buttons(first).includes('ig:q:page:1'));
    user.pressButton(first, 'ig:q:page:1');
    const second = await stack.telegram.waitForBotMessage(user, (m) => /page 2 of 2/.test(m.text ?? ''), WAIT);
    assert.match(second.text!, /day 6[\s\S]*day 7/);

    user.pressButton(first, `ig:q:cancel:${ids[0]}`);
    await stack.telegram.waitForBotMessage(user, (m) => /Post cancelled/.test(m.text ?? ''), WAIT);
    assert.equal((await postReaches(stack, ids[0]!, ['cancelled'])).state, 'cancelled');

    await stack.db.sql`update users set time_zone = 'America/New_York' where id = ${user.id}`;
    user.pressButton(first, `ig:q:resched:${ids[1]}`);
    await stack.telegram.waitForBotMessage(user, (m) => /America\/New_York/.test(m.text ?? ''), WAIT);
    user.sendMessage('2099-01-15 08:00');
    await stack.telegram.waitForBotMessage(user, (m) => /scheduled for/.test(m.text ?? ''), WAIT);
    await stack.updatesDone();
    const [moved] = await stack.db.sql<{ scheduled_at: Date }[]>`select scheduled_at from posts where id = ${ids[1]!}`;
    assert.equal(moved!.scheduled_at.toISOString(), '2099-01-15T13:00:00.000Z');

    // "Post now" pressed twice: one post.
    user.pressButton(first, `ig:q:now:${ids[2]}`);
    user.pressButton(first, `ig:q:now:${ids[2]}`);
    assert.equal((await postReaches(stack, ids[2]!, ['published', 'failed'])).state, 'published');
    await stack.telegram.waitForBotMessage(user, (m) => /Published on Instagram/.test(m.text ?? ''), WAIT);
    // Both presses handled and every publish job of the post due within the hour done (a snoozed
    // one included; the one made for its scheduled day waits days ahead and will find the post
    // moved on): a second post would have been made by now.
    await stack.updatesDone();
    const runner = stack.worker!.runner;
    await waitFor('the post\'s publish jobs done', async () =>
      (await stack.db.sql`select 1 from jobs where type = 'instapost_publish' and payload->>'postId' = ${String(ids[2])} and run_at < now() + interval '1 hour'`).length === 0,
    { on: [[runner, 'completed'], [runner, 'failed'], [runner, 'snoozed']] });
    assert.equal(account.posts.length, 1, 'published twice');
    assert.equal(account.posts[0]!.caption, 'day 3');
  });

  test('/history lists published posts with links and failed ones with the reason', async () => {
    const made = await userWithAccount(stack);
    const { user, account } = made;
    await publishedAndFailed(stack, made);
    user.sendCommand('/history');
    const history = await stack.telegram.waitForBotMessage(user, (m) => /History/.test(m.text ?? ''), WAIT);
    assert.ok(history.text!.includes(account.posts[0]!.permalink));
    assert.match(history.text!, /larger than Instagram's 8 MB/);
  });

  test('an album of 3 photos through /post becomes one carousel', async () => {
    const { user, account } = await userWithAccount(stack);
    user.sendCommand('/post');
    await stack.telegram.waitForBotMessage(user, (m) => /Send me a photo/.test(m.text ?? ''), WAIT);
    await user.sendAlbum([await jpeg(1080, 1080), await jpeg(1080, 1080, '#aa3344'), await jpeg(1080, 1080, '#33aa44')], { caption: 'trio' });
    const third = await stack.telegram.waitForBotMessage(user, (m) => /Image 3 of the carousel/.test(m.text ?? ''), WAIT);
    const postId = Number(/capdone:(\d+)/.exec(buttons(third).join())?.[1] ?? /nocap:(\d+)/.exec(buttons(third).join())![1]);
    await stack.updatesDone();
    const images = await stack.db.sql`select position from post_images where post_id = ${postId} order by position`;
    assert.deepEqual(images.map((r) => r.position), [1, 2, 3]);
    user.sendMessage('trio');
    const preview = await stack.telegram.waitForBotMessage(user, (m) => /Carousel of 3 pictures/.test(m.text ?? ''), WAIT);
    user.pressButton(preview, `ig:post:now:${postId}`);
    await postReaches(stack, postId, ['published']);
    assert.equal(account.posts.length, 1);
    assert.equal(account.posts[0]!.mediaType, 'CAROUSEL_ALBUM');
    assert.equal(account.posts[0]!.images.length, 3);
  });
});
