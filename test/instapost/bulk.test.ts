import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import sharp from 'sharp';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { slotInstants } from '../../shared/modules/instapost/nextFreeSlot.js';
import { parseSlots, replaceSlots } from '../../shared/modules/instapost/postingSlots.js';
import { schedulePost } from '../../shared/modules/instapost/posts.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg, png } from '../support/testImages.js';
import { connectAccount, postReaches, userWithAccount } from './publishSupport.js';

// /bulk end to end through the emulators: photos in (singly, as albums, as files), one caption,
// a summary that says how many fit the plan, and each photo its own post in the next free slots.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 30_000 };
const ZONE = 'Europe/Berlin';
const SLOTS = parseSlots('daily 09:00 18:00')!;
const buttons = (m: Message) => m.reply_markup?.inline_keyboard.flat().map((b) => ('callback_data' in b ? b.callback_data : b.text)) ?? [];
const next = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? m.caption ?? ''), WAIT);
const colours = ['#aa0000', '#00aa00', '#0000aa', '#aaaa00', '#00aaaa', '#aa00aa', '#555555', '#aa5500', '#0055aa', '#55aa00', '#333399', '#993333'];
const photos = (count: number, from = 0) => Promise.all(Array.from({ length: count }, (_, i) => jpeg(1080, 1080, colours[(from + i) % colours.length])));

/** A user on `plan` with an account, a zone and two slots a day; `/bulk` started. */
async function bulkUser(plan: 'pro' | 'friends_family' = 'pro') {
  const { user, account, accountId } = await userWithAccount(stack, { plan });
  await stack.db.sql`update users set time_zone = ${ZONE} where id = ${user.id}`;
  await replaceSlots(stack.db.sql, user.id, SLOTS);
  user.sendCommand('/bulk');
  const started = await next(user, /Bulk upload to @/);
  return { user, account, accountId, bulkId: Number(/cancel:(\d+)/.exec(buttons(started).join())![1]) };
}

/** Done under the last receipt, then a caption: the summary before confirming. */
async function toSummary(user: EmulatedUser, bulkId: number, caption: string): Promise<Message> {
  const receipts = stack.telegram.messagesIn(user).filter((m) => buttons(m).includes(`ig:bulk:done:${bulkId}`));
  user.pressButton(receipts.at(-1)!, `ig:bulk:done:${bulkId}`);
  await next(user, /One caption for/);
  user.sendMessage(caption);
  return next(user, /fit/);
}

async function bulkPosts(userId: number) {
  return stack.db.sql<{ id: number; state: string; scheduled_at: Date; caption: string; file_unique_id: string; images: number }[]>`
    select p.id, p.state, p.scheduled_at, p.caption, min(i.file_unique_id) as file_unique_id, count(i.*)::int as images
    from posts p join post_images i on i.post_id = p.id where p.user_id = ${userId} and p.state <> 'cancelled'
    group by p.id order by p.scheduled_at`;
}

async function postsUsed(userId: number): Promise<number> {
  const plan = await readUserPlan(stack.db.sql, userId);
  const [row] = await stack.db.sql<{ posts_used: number }[]>`select posts_used from plan_usage where user_id = ${userId} and period_start = ${plan.period.start}`;
  return row?.posts_used ?? 0;
}

describe('/bulk', () => {
  test('a Pro user\'s 10 photos become 10 single-image posts with one caption, in successive slots, in the order sent', async () => {
    const { user, bulkId } = await bulkUser();
    const sent = [...await user.sendAlbum(await photos(6)), ...await user.sendAlbum(await photos(4, 6))];
    await next(user, /Photo 10 received/);
    const summary = await toSummary(user, bulkId, 'Bulk day #bulk');
    assert.match(summary.text!, /10 photos, each its own post/);
    assert.match(summary.text!, /Caption: Bulk day #bulk/);
    assert.match(summary.text!, /All 10 fit your plan/);
    assert.equal(summary.text!.match(/^\d+\. /gm)?.length, 10, 'not every post\'s time shown');
    assert.ok(buttons(summary).includes(`ig:bulk:go:${bulkId}`));
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    const done = await next(user, /posts scheduled/);
    assert.match(done.text!, /10 posts scheduled, the first .*Europe\/Berlin.*, the last /);
    await stack.updatesDone();
    const posts = await bulkPosts(user.id);
    assert.equal(posts.length, 10);
    assert.ok(posts.every((p) => p.state === 'scheduled' && p.images === 1 && p.caption === 'Bulk day #bulk'));
    // Successive slots: the ten slot instants from the first one on, none skipped.
    const expected = slotInstants(SLOTS, ZONE, new Date(posts[0]!.scheduled_at.getTime() - 1)).slice(0, 10).map((d) => d.toISOString());
    assert.deepEqual(posts.map((p) => p.scheduled_at.toISOString()), expected);
    assert.ok(posts[0]!.scheduled_at.getTime() > Date.now());
    assert.deepEqual(posts.map((p) => p.file_unique_id), sent.map((a) => a.update.message!.photo!.at(-1)!.file_unique_id), 'not in the order sent');
    assert.equal(await postsUsed(user.id), 10, 'each post counts');
  });

  test('the 11th photo is refused once for its album with the plan\'s limit and Business\'s; the 10 received are kept and scheduled', async () => {
    const { user, bulkId } = await bulkUser();
    await user.sendAlbum(await photos(8));
    await next(user, /Photo 8 received/);
    await user.sendAlbum(await photos(4, 8));
    const refused = await next(user, /holds 10 photos/);
    assert.match(refused.text!, /A bulk upload on the Pro plan holds 10 photos.*The 10 received are kept/s);
    assert.match(refused.text!, /Upgrade to Business for 50 photos per bulk upload/);
    assert.deepEqual(buttons(refused), ['plan:upgrade']);
    await stack.updatesDone();
    const told = stack.telegram.messagesIn(user).filter((m) => /holds 10 photos/.test(m.text ?? ''));
    assert.equal(told.length, 1, 'an album over the limit gets one answer');
    const [{ count } = { count: 0 }] = await stack.db.sql<{ count: number }[]>`select count(*)::int as count from bulk_upload_images where bulk_upload_id = ${bulkId}`;
    assert.equal(count, 10);
    // A single photo after that is told too: it is not part of the album already told.
    await user.sendImage(await jpeg(1080, 1080, '#123456'));
    await next(user, /holds 10 photos/);
    const summary = await toSummary(user, bulkId, 'kept');
    assert.match(summary.text!, /All 10 fit/);
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    await next(user, /10 posts scheduled/);
    await stack.updatesDone();
    assert.equal((await bulkPosts(user.id)).length, 10);
  });

  for (const plan of ['free', 'basic'] as const) {
    test(`${plan === 'free' ? 'Free' : 'Basic'} has no bulk upload: /bulk gets the plans' message naming Pro, with Upgrade`, async () => {
      const { user } = await userWithAccount(stack, { plan });
      user.sendCommand('/bulk');
      const refused = await next(user, /Bulk upload is not part of/);
      assert.match(refused.text!, new RegExp(`not part of the ${plan === 'free' ? 'Free' : 'Basic'} plan`));
      assert.match(refused.text!, /Upgrade to Pro to upload 10 photos at once/);
      assert.deepEqual(buttons(refused), ['plan:upgrade']);
      await stack.updatesDone();
      const [open] = await stack.db.sql`select 1 from bulk_uploads where user_id = ${user.id}`;
      assert.equal(open, undefined, 'a session was started');
    });
  }

  test('a nearly full queue: the summary tells exactly how many fit and which photos not; the confirm checks again and names them', async () => {
    const { user, accountId, bulkId } = await bulkUser();
    // 96 of Pro's 100 waiting, far away so they take none of the slots.
    await stack.db.sql`
      insert into posts (user_id, account_id, state, scheduled_at)
      select ${user.id}, ${accountId}, 'scheduled', timestamptz '2099-01-01' + n * interval '1 hour' from generate_series(1, 96) n`;
    await user.sendAlbum(await photos(6));
    await next(user, /Photo 6 received/);
    const summary = await toSummary(user, bulkId, 'six');
    assert.match(summary.text!, /4 of 6 fit\. Photos 5–6 will not be created: your queue holds 100 scheduled posts on the Pro plan, and 96 are waiting/);
    assert.equal(summary.text!.match(/^\d+\. /gm)?.length, 4);
    assert.deepEqual(buttons(summary), [`ig:bulk:go:${bulkId}`, 'plan:upgrade', `ig:bulk:cancel:${bulkId}`]);
    assert.match(summary.reply_markup!.inline_keyboard[0]![0]!.text, /Schedule 4 posts/);
    // Meanwhile another post takes a place: the confirm makes 3, and says which were not made.
    await stack.db.sql`insert into posts (user_id, account_id, state, scheduled_at) values (${user.id}, ${accountId}, 'scheduled', '2098-01-01')`;
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    const done = await next(user, /posts scheduled/);
    assert.match(done.text!, /3 posts scheduled/);
    assert.match(done.text!, /Photos 4–6 were not created: your queue holds 100 scheduled posts on the Pro plan, and 100 are waiting/);
    const quota = await next(user, /queue is full/);
    assert.match(quota.text!, /100\/100 scheduled posts on the Pro plan[\s\S]*Upgrade to Business/);
    assert.deepEqual(buttons(quota), ['plan:upgrade']);
    await stack.updatesDone();
    assert.equal((await bulkPosts(user.id)).length, 3);
    const images = await stack.db.sql<{ position: number; made: boolean; not_created: string | null }[]>`
      select position, post_id is not null as made, not_created from bulk_upload_images where bulk_upload_id = ${bulkId} order by position`;
    assert.deepEqual(images.map((i) => `${i.position}:${i.made ? 'post' : i.not_created}`), ['1:post', '2:post', '3:post', '4:queue', '5:queue', '6:queue']);
    assert.equal(await postsUsed(user.id), 3, 'a refused photo holds no unit');
  });

  test('confirm pressed twice (and delivered twice) creates the posts once', async () => {
    const { user, bulkId } = await bulkUser();
    await user.sendAlbum(await photos(3));
    await next(user, /Photo 3 received/);
    const summary = await toSummary(user, bulkId, 'twice');
    const first = user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    const second = user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    await Promise.all([first.delivered, second.delivered]);
    await next(user, /3 posts scheduled/);
    const again = await next(user, /already scheduled/);
    assert.match(again.text!, /already scheduled \(3 posts\); nothing was made again/);
    await stack.updatesDone();
    assert.equal((await bulkPosts(user.id)).length, 3);
    assert.equal(await postsUsed(user.id), 3);
    const [{ jobs } = { jobs: 0 }] = await stack.db.sql<{ jobs: number }[]>`
      select count(*)::int as jobs from jobs where type = 'instapost_publish' and payload ->> 'postId' in (select id::text from posts where user_id = ${user.id})`;
    assert.equal(jobs, 3, 'one publish job per post');
  });

  test('pictures are checked as /post checks them: a GIF and an oversized file refused, a wide PNG file padded and converted, published as JPEG in range', async () => {
    const { user, account, bulkId } = await bulkUser();
    const gif = await sharp({ create: { width: 400, height: 400, channels: 3, background: '#ff0000' } }).gif().toBuffer();
    await user.sendDocument({ fileName: 'anim.gif', bytes: gif, mimeType: 'image/gif' });
    assert.match((await next(user, /JPEG, PNG and WebP/)).text!, /I can post JPEG, PNG and WebP images only/);
    await user.sendDocument({ fileName: 'huge.png', fileSize: 25 * 1024 * 1024, mimeType: 'image/png' });
    await next(user, /larger than 20 MB/);
    await user.sendDocument({ fileName: 'wide.png', bytes: await png(3000, 1000), mimeType: 'image/png' });
    const wide = await next(user, /Photo 1 received/);
    assert.match(wide.text!, /3000×1000, converted to JPEG, padded to Instagram's shape, resized/);
    await user.sendImage(await jpeg(1080, 1350));
    assert.match((await next(user, /Photo 2 received/)).text!, /unchanged/);
    const summary = await toSummary(user, bulkId, 'shapes');
    assert.match(summary.text!, /1\. .*: converted to JPEG, padded/);
    assert.match(summary.text!, /All 2 fit/);
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    await next(user, /2 posts scheduled/);
    await stack.updatesDone();
    // The wide one goes out now (as /queue's Post now would), as Instagram takes it.
    const [first] = await bulkPosts(user.id);
    assert.equal((await schedulePost(stack.db.sql, user.id, first!.id, new Date())).status, 'scheduled');
    assert.equal((await postReaches(stack, first!.id, ['published', 'failed'])).state, 'published');
    const image = account.posts[0]!.images[0]!;
    assert.equal((await sharp(image.bytes).metadata()).format, 'jpeg');
    assert.ok(Math.abs(image.width / image.height - 1.91) < 0.01, `${image.width}×${image.height}`);
    assert.equal(account.posts[0]!.caption, 'shapes');
  });
  test('posts left this period limit it too: 4 of 5 fit with 496 of Pro\'s 500 used, and the quota message follows the confirm', async () => {
    const { user, bulkId } = await bulkUser();
    const plan = await readUserPlan(stack.db.sql, user.id);
    await stack.db.sql`insert into plan_usage (user_id, period_start, posts_used) values (${user.id}, ${plan.period.start}, 496)`;
    await user.sendAlbum(await photos(5));
    await next(user, /Photo 5 received/);
    const summary = await toSummary(user, bulkId, 'five');
    assert.match(summary.text!, /4 of 5 fit\. Photo 5 will not be created: the Pro plan allows 500 posts this period, and 496 are used/);
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    const done = await next(user, /posts scheduled/);
    assert.match(done.text!, /4 posts scheduled[\s\S]*Photo 5 was not created: the Pro plan allows 500 posts this period, and 500 are used/);
    const quota = await next(user, /monthly post limit/);
    assert.match(quota.text!, /\(500\/500\)[\s\S]*Upgrade to Business for unlimited posts/);
    await stack.updatesDone();
    assert.equal((await bulkPosts(user.id)).length, 4);
    assert.equal(await postsUsed(user.id), 500);
  });

  test('with two accounts /bulk asks which; a photo sent after the summary makes its button ask for Done again', async () => {
    const { user } = await userWithAccount(stack);
    await stack.db.sql`update users set time_zone = ${ZONE} where id = ${user.id}`;
    await replaceSlots(stack.db.sql, user.id, SLOTS);
    const { account: second, accountId: secondId } = await connectAccount(stack, user.id);
    user.sendCommand('/bulk');
    const which = await next(user, /which account/);
    assert.equal(buttons(which).length, 2);
    assert.match(which.reply_markup!.inline_keyboard[0]![0]!.text, /^⭐ @/);
    user.pressButton(which, `ig:bulk:acc:${secondId}`);
    const started = await next(user, new RegExp(`Bulk upload to @${second.username}`));
    const bulkId = Number(/cancel:(\d+)/.exec(buttons(started).join())![1]);
    await user.sendImage(await jpeg(1080, 1080, '#102030'), { caption: 'from the photo' });
    await next(user, /Photo 1 received/);
    const receipt = stack.telegram.messagesIn(user).at(-1)!;
    user.pressButton(receipt, `ig:bulk:done:${bulkId}`);
    const ask = await next(user, /One caption for/);
    assert.match(ask.text!, /You sent this caption with a photo: from the photo/);
    user.pressButton(ask, `ig:bulk:capdone:${bulkId}`);
    const summary = await next(user, /fit/);
    assert.match(summary.text!, /1 photo, its own post/);
    await user.sendImage(await jpeg(1080, 1080, '#302010'));
    const added = await next(user, /Photo 2 received/);
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    await next(user, /Photos were added after that summary/);
    await stack.updatesDone();
    assert.equal((await bulkPosts(user.id)).length, 0, 'confirmed what the user did not see');
    user.pressButton(added, `ig:bulk:done:${bulkId}`);
    const again = await next(user, /One caption for all 2 posts/);
    user.pressButton(again, `ig:bulk:capdone:${bulkId}`);
    const fresh = await next(user, /All 2 fit/);
    user.pressButton(fresh, `ig:bulk:go:${bulkId}`);
    await next(user, /2 posts scheduled/);
    await stack.updatesDone();
    const accounts = await stack.db.sql<{ account_id: number; caption: string }[]>`select account_id, caption from posts where user_id = ${user.id}`;
    assert.deepEqual(accounts.map((a) => `${a.account_id}:${a.caption}`), [`${secondId}:from the photo`, `${secondId}:from the photo`]);
  });

  test('Friends & Family take 50 photos sent as five albums at once (not held to /post\'s 20 a minute); the 51st is refused with no plan to offer', async () => {
    const { user, bulkId } = await bulkUser('friends_family');
    for (let a = 0; a < 5; a++) await user.sendAlbum(await photos(10, a));
    await next(user, /Photo 50 received/);
    await user.sendImage(await jpeg(1080, 1080, '#010203'));
    const refused = await next(user, /holds 50 photos/);
    assert.match(refused.text!, /The 50 received are kept/);
    assert.deepEqual(buttons(refused), [], 'nothing sold allows more');
    const summary = await toSummary(user, bulkId, 'fifty');
    assert.match(summary.text!, /All 50 fit/);
    user.pressButton(summary, `ig:bulk:go:${bulkId}`);
    await next(user, /50 posts scheduled/);
    await stack.updatesDone();
    const posts = await bulkPosts(user.id);
    assert.equal(posts.length, 50);
    const expected = slotInstants(SLOTS, ZONE, new Date(posts[0]!.scheduled_at.getTime() - 1), 40).slice(0, 50).map((d) => d.toISOString());
    assert.deepEqual(posts.map((p) => p.scheduled_at.toISOString()), expected);
  });
});
