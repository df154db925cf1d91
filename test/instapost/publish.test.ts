import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GraphApiError, graphErrors } from '../../emulator/instagram/index.js';
import { periodicTasks } from '../../worker/periodicTasks.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { postReaches, schedule, userWithAccount } from './publishSupport.js';

// The publish job against the emulated Instagram and Dropbox, with their failures: each post goes
// out once or fails with a reason the user is told, never twice, never a partial carousel.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack({ instagram: { permalinkDelayMs: 0 } }); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 30_000 };
/** Kicks the worker and waits until every Dropbox copy of the post is recorded deleted. */
async function copiesDeleted(postId: number): Promise<void> {
  stack.worker!.runner.kick();
  const start = Date.now();
  while ((await stack.db.sql`select 1 from post_images where post_id = ${postId} and dropbox_deleted_at is null`).length > 0) {
    if (Date.now() - start > 20_000) throw new Error('the copy was not deleted');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const told = (user: { id: number }, re: RegExp) => stack.telegram.waitForBotMessage(user.id, (m) => re.test(m.text ?? ''), WAIT);

describe('publishing', () => {
  test('media_publish whose answer is lost after the post went live: resolved by reading the container, published once', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('publish', 'network', { igUserId: account.igUserId, afterEffect: true });
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    const row = await postReaches(stack, postId, ['published', 'failed']);
    assert.equal(row.state, 'published');
    assert.equal(account.posts.length, 1, 'published twice');
    assert.equal(stack.instagram.callsTo('publish').filter((c) => c.igUserId === account.igUserId).length, 1);
    await told(user, /Published on Instagram/);
  });

  test('a 5xx from media_publish before any effect is retried and publishes once', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('publish', new GraphApiError({ code: 2, message: 'Service temporarily unavailable', status: 503, isTransient: true }), { igUserId: account.igUserId });
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    assert.equal((await postReaches(stack, postId, ['published', 'failed'])).state, 'published');
    assert.equal(account.posts.length, 1);
  });

  test('an album of 3 publishes one carousel; one with a bad child publishes nothing and says which image', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080), await jpeg(1080, 1350), await jpeg(1200, 1200)], { caption: 'three' });
    assert.equal((await postReaches(stack, postId, ['published', 'failed'])).state, 'published');
    assert.equal(account.posts.length, 1);
    assert.equal(account.posts[0]!.mediaType, 'CAROUSEL_ALBUM');
    assert.equal(account.posts[0]!.images.length, 3);
    assert.equal(account.posts[0]!.caption, 'three');

    let creates = 0;
    stack.instagram.injectFault((call) => call.operation === 'createContainer' && call.igUserId === account.igUserId && ++creates === 2,
      () => graphErrors.unsupportedAspectRatio(1, 3), { times: 1 });
    const bad = await schedule(stack, user, accountId, [await jpeg(1080, 1080), await jpeg(1080, 1080), await jpeg(1080, 1080)]);
    const failed = await postReaches(stack, bad, ['published', 'failed']);
    assert.deepEqual({ state: failed.state, reason: failed.error_reason, image: failed.error_image }, { state: 'failed', reason: 'aspect-ratio', image: 2 });
    assert.equal(account.posts.length, 1, 'a partial carousel went out');
    await told(user, /nothing was posted: image 2: the picture's shape/);
  });

  test('a revoked token fails the post, marks the account for reconnecting and tells the user once', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    account.revokeTokens();
    const first = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    assert.equal((await postReaches(stack, first, ['published', 'failed'])).error_reason, 'token');
    await told(user, /no longer accepts the token of @/);
    const [acc] = await stack.db.sql`select needs_reconnect from instagram_accounts where id = ${accountId}`;
    assert.equal(acc!.needs_reconnect, true);
    const second = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, second, ['failed']);
    const warnings = stack.telegram.messagesIn(user).filter((m) => /no longer accepts the token/.test(m.text ?? ''));
    assert.equal(warnings.length, 1, 'told more than once');
    assert.equal(account.posts.length, 0);
  });

  test('an image Instagram rejects reaches the user as a clear message', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('createContainer', graphErrors.unsupportedImageFormat(), { igUserId: account.igUserId });
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    assert.equal((await postReaches(stack, postId, ['published', 'failed'])).error_reason, 'image-format');
    await told(user, /could not be published: Instagram did not accept the image format/);
  });

  test('the daily limit as the API reports it: a post beyond it moves to when a slot frees, and the user is told when', async () => {
    const { user, account, accountId } = await userWithAccount(stack, { quotaTotal: 1 });
    const first = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, first, ['published']);
    const second = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    const moved = await told(user, /reached Instagram's limit of 1 posts in 24 hours/);
    const [row] = await stack.db.sql<{ state: string; scheduled_at: Date }[]>`select state, scheduled_at from posts where id = ${second}`;
    assert.equal(row!.state, 'scheduled');
    const hours = (row!.scheduled_at.getTime() - Date.now()) / 3_600_000;
    assert.ok(hours > 23.5 && hours < 24.5, `moved by ${hours} h`);
    assert.equal(account.posts.length, 1);
    void moved;
  });

  test('a permalink Meta cannot read yet (100/33) does not fail a live post', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    stack.instagram.failNext('media', new GraphApiError({ code: 100, subcode: 33, message: 'Unsupported get request.' }), { igUserId: account.igUserId });
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    const row = await postReaches(stack, postId, ['published', 'failed']);
    assert.equal(row.state, 'published');
    assert.ok(row.media_id);
    await told(user, /Published on Instagram/);
  });

  test('the Dropbox copy is deleted 7 days after its upload', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, postId, ['published']);
    const [image] = await stack.db.sql<{ dropbox_path: string }[]>`select dropbox_path from post_images where post_id = ${postId}`;
    assert.ok(stack.dropbox.files.some((f) => f.pathDisplay === image!.dropbox_path));
    const [job] = await stack.db.sql<{ days: number }[]>`
      select extract(epoch from run_at - now()) / 86400 as days from jobs where type = 'instapost_delete_copies' and payload->>'postId' = ${String(postId)}`;
    assert.ok(job && Number(job.days) > 6.99 && Number(job.days) <= 7, `deletion in ${job?.days} days`);
    // Run it now, as the queue will in 7 days.
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_delete_copies' and payload->>'postId' = ${String(postId)}`;
    await copiesDeleted(postId);
    assert.ok(!stack.dropbox.files.some((f) => f.pathDisplay === image!.dropbox_path), 'still in Dropbox');
  });

  test('a deletion whose job was lost is enqueued again by the daily retention sweep, once', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, postId, ['published']);
    const [image] = await stack.db.sql<{ dropbox_path: string }[]>`select dropbox_path from post_images where post_id = ${postId}`;
    const sweep = periodicTasks.find((t) => t.name === 'instapost_retention_sweep')!;
    const deletionJobs = () => stack.db.sql`select 1 from jobs where type = 'instapost_delete_copies' and payload->>'postId' = ${String(postId)}`;
    // While the post's own job waits for its day, the sweep leaves the post alone.
    await stack.db.sql`update post_images set uploaded_at = now() - interval '9 days' where post_id = ${postId}`;
    await sweep.run(stack.db.sql);
    assert.equal((await deletionJobs()).length, 1);
    // The job is lost (an operator discarded it after a long Dropbox outage).
    await stack.db.sql`delete from jobs where type = 'instapost_delete_copies' and payload->>'postId' = ${String(postId)}`;
    await stack.db.sql`update post_images set uploaded_at = now() - interval '7 days' where post_id = ${postId}`;
    await sweep.run(stack.db.sql);
    assert.equal((await deletionJobs()).length, 0, 'within the day of grace, nothing is enqueued');
    await stack.db.sql`update post_images set uploaded_at = now() - interval '9 days' where post_id = ${postId}`;
    await sweep.run(stack.db.sql);
    await sweep.run(stack.db.sql);
    assert.equal((await deletionJobs()).length, 1, 'enqueued once, however often the sweep runs');
    await copiesDeleted(postId);
    assert.ok(!stack.dropbox.files.some((f) => f.pathDisplay === image!.dropbox_path), 'still in Dropbox');
  });

  test('a reminder 15 minutes before checks that the post can go out, and says what is wrong while there is time', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 40 * 60_000) });
    const [job] = await stack.db.sql<{ minutes: number }[]>`
      select round(extract(epoch from run_at - now()) / 60)::int as minutes from jobs where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    assert.equal(job?.minutes, 25);
    account.revokeTokens();
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    stack.worker!.runner.kick();
    const reminder = await told(user, new RegExp(`Post #${postId} goes out`));
    assert.match(reminder.text!, /in 40 minutes/);
    assert.match(reminder.text!, /no longer accepts this account's token/);
    const [row] = await stack.db.sql`select state, reminded_at from posts where id = ${postId}`;
    assert.equal(row!.state, 'scheduled');
    assert.ok(row!.reminded_at);
  });
});
