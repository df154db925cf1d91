import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { grantFriendsFamily, removeFriendsFamily } from '../../shared/modules/admin/friendsFamily.js';
import { sweepPlans } from '../../shared/modules/payments/sweepPlans.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { forgePress } from '../groups/broadcastSupport.js';
import { postReaches, schedule, userWithAccount } from '../instapost/publishSupport.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { waitFor } from '../support/waitFor.js';
import { buttons, nextMessage, subscribe } from './paymentSupport.js';

// A plan that ends falls back to Free, and the scheduled posts beyond Free's queue of 5 are set
// aside (posts.flagged_at) until the user chooses: kept (as far as the queue allows), deleted,
// or brought back by a paid plan. A set-aside post is never published.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const next = (user: EmulatedUser, re: RegExp) => nextMessage(stack, user, re);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

/** A user on Pro until `until` with a post scheduled on each of `count` days after it (the earliest first). */
async function proUserWithPosts(count: number, until = inDays(10)) {
  const { user, accountId, account } = await userWithAccount(stack, { plan: 'free' });
  await grantPlan(stack.db.sql, { userId: user.id, plan: 'pro', until, source: 'admin' });
  const ids: number[] = [];
  for (let d = 1; d <= count; d++) ids.push(await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(until.getTime() + d * 86_400_000) }));
  return { user, accountId, account, ids, until };
}

async function flagged(userId: number): Promise<number[]> {
  const rows = await stack.db.sql<{ id: number }[]>`select id from posts where user_id = ${userId} and flagged_at is not null and state = 'scheduled' order by id`;
  return rows.map((r) => Number(r.id));
}

/** The publish jobs waiting for a post. */
async function publishJobs(postId: number): Promise<{ version: number }[]> {
  return stack.db.sql<{ version: number }[]>`
    select (payload->>'version')::int as version from jobs where type = 'instapost_publish' and (payload->>'postId')::bigint = ${postId}`;
}

/** Moves posts' due time (and their publish jobs) to now, and waits until those jobs ran. */
async function makeDue(postIds: number[]) {
  await stack.db.sql`update posts set scheduled_at = now() - interval '1 minute' where id = any(${postIds})`;
  await runPublishJobs(postIds);
}

/** Runs the publish jobs of posts now (whatever their posts' times), and waits until they ran. */
async function runPublishJobs(postIds: number[]) {
  await stack.db.sql`update jobs set run_at = now() where type = 'instapost_publish' and (payload->>'postId')::bigint = any(${postIds})`;
  await jobsGone('the publish jobs to run', () => stack.db.sql`
    select 1 from jobs where type = 'instapost_publish' and (payload->>'postId')::bigint = any(${postIds}) and state <> 'failed'`);
}

/** Waits until `pending()` finds no row, re-checked on each of the worker's job events. */
async function jobsGone(what: string, pending: () => PromiseLike<readonly unknown[]>) {
  const runner = stack.worker!.runner;
  await waitFor(what, async () => (await pending()).length === 0, { on: [[runner, 'completed'], [runner, 'failed'], [runner, 'idle']] });
}

describe('posts beyond the queue when a plan ends', () => {
  test('the earliest 5 stay and go out; the rest are set aside, not published when due, and the notice offers the choice', async () => {
    const { user, account, ids, until } = await proUserWithPosts(7);
    assert.deepEqual(await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000)), { reminded: 0, expired: 1 });
    const notice = await next(user, /plan has ended/);
    assert.match(notice.text!, /The earliest 5 scheduled posts stay in the queue/);
    assert.match(notice.text!, /2 scheduled posts are over the Free queue of 5: they are set aside and will not be published until you choose/);
    assert.deepEqual(buttons(notice), ['ig:q:page:0', 'ig:fl:del', 'plan:upgrade'], 'no "keep the earliest": the queue has no room');
    assert.deepEqual(await flagged(user.id), ids.slice(5));

    // Both a queued post and a set-aside one come due: only the queued one is published.
    await makeDue([ids[0]!, ids[6]!]);
    assert.equal((await postReaches(stack, ids[0]!, ['published', 'failed'])).state, 'published');
    const [aside] = await stack.db.sql`select state, media_id, flagged_at is not null as flagged from posts where id = ${ids[6]!}`;
    assert.deepEqual({ ...aside }, { state: 'scheduled', media_id: null, flagged: true });
    assert.equal(stack.instagram.publishedPosts.filter((p) => p.igUserId === account.igUserId).length, 1);

    // /queue shows them as set aside, the overdue one as such.
    user.sendCommand('/queue');
    const queue = await next(user, /Upcoming posts/);
    assert.match(queue.text!, /2 posts are set aside: over the Free queue of 5/);
    assert.match(queue.text!, new RegExp(`⚑ #${ids[5]} @\\S+ — .* \\(set aside\\)`));
    assert.match(queue.text!, new RegExp(`⚑ #${ids[6]} @\\S+ — .*, its time has passed`));
    assert.ok(buttons(queue).includes(`ig:fl:keep:${ids[6]}`) && buttons(queue).includes(`ig:fl:aside:${ids[1]}`));
    // /plan counts them apart from the queue (which one published post has left with room for one).
    user.sendCommand('/plan');
    const plan = await next(user, /Your plan: Free/);
    assert.match(plan.text!, /Scheduled posts: 4\/5/);
    assert.match(plan.text!, /2 posts are set aside, over the queue/);
  });

  test('a plan that ended a minute ago, before the sweep: the publish job of a post over Free\'s queue sets it aside instead of publishing, the user is told once, the earliest still go out', async () => {
    const { user, account, ids } = await proUserWithPosts(7);
    // Pro ended two minutes ago and the hourly sweep has not run since; the seven posts came due
    // after the end, ten seconds apart, the latest just now.
    await stack.db.sql`update user_plans set until = now() - interval '2 minutes' where user_id = ${user.id}`;
    for (const [i, id] of ids.entries()) await stack.db.sql`update posts set scheduled_at = now() - make_interval(secs => ${70 - 10 * i}) where id = ${id}`;

    // The latest post's job runs first: Free keeps the earliest 5, so it is set aside, not published.
    await runPublishJobs([ids[6]!]);
    const [aside] = await stack.db.sql`select state, media_id, flagged_at is not null as flagged from posts where id = ${ids[6]!}`;
    assert.deepEqual({ ...aside }, { state: 'scheduled', media_id: null, flagged: true });
    assert.equal(stack.instagram.publishedPosts.filter((p) => p.igUserId === account.igUserId).length, 0, 'nothing reached Instagram');
    assert.deepEqual(await flagged(user.id), ids.slice(5), 'the same rule as the sweep: the earliest 5 stay');
    const notice = await next(user, /plan has ended/);
    assert.match(notice.text!, /2 scheduled posts are over the Free queue of 5: they are set aside/);
    assert.deepEqual(buttons(notice), ['ig:q:page:0', 'ig:fl:del', 'plan:upgrade']);

    // The sweep comes later: the plan is already ended, nothing more is set aside or told.
    assert.deepEqual(await sweepPlans(stack.db.sql), { reminded: 0, expired: 0 });
    assert.deepEqual(await flagged(user.id), ids.slice(5));

    // The other posts' jobs run (at once): the earliest 5 go out, the other set-aside one does not.
    await runPublishJobs(ids.slice(0, 6));
    for (const id of ids.slice(0, 5)) assert.equal((await postReaches(stack, id, ['published', 'failed'])).state, 'published');
    const [other] = await stack.db.sql`select state, media_id from posts where id = ${ids[5]!}`;
    assert.deepEqual({ ...other }, { state: 'scheduled', media_id: null });
    assert.equal(stack.instagram.publishedPosts.filter((p) => p.igUserId === account.igUserId).length, 5);
    await jobsGone('the plan notices to be sent', () => stack.db.sql`select 1 from jobs where type = 'plan_notice' and (payload->>'userId')::bigint = ${user.id}`);
    assert.equal(stack.telegram.messagesIn(user).filter((m) => /plan has ended/.test(m.text ?? '')).length, 1, 'told once');
    const ends = await stack.db.sql`select reason from plan_changes where user_id = ${user.id} and plan = 'free'`;
    assert.deepEqual(ends.map((r) => r.reason), ['expired'], 'ended once');
  });

  test('/queue and /plan right after a plan ended, before the sweep, already show the posts over Free\'s queue set aside; the notice comes once', async () => {
    const { user, ids } = await proUserWithPosts(7);
    await stack.db.sql`update user_plans set until = now() - interval '1 minute' where user_id = ${user.id}`;
    user.sendCommand('/queue');
    const queue = await next(user, /Upcoming posts/);
    assert.match(queue.text!, /2 posts are set aside: over the Free queue of 5/);
    assert.ok(buttons(queue).includes(`ig:fl:keep:${ids[6]}`));
    await next(user, /plan has ended/);
    user.sendCommand('/plan');
    const plan = await next(user, /Your plan: Free/);
    assert.match(plan.text!, /Scheduled posts: 5\/5/);
    assert.match(plan.text!, /2 posts are set aside, over the queue/);
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), ids.slice(5));
    assert.deepEqual(await sweepPlans(stack.db.sql), { reminded: 0, expired: 0 });
    await jobsGone('the plan notices to be sent', () => stack.db.sql`select 1 from jobs where type = 'plan_notice' and (payload->>'userId')::bigint = ${user.id}`);
    assert.equal(stack.telegram.messagesIn(user).filter((m) => /plan has ended/.test(m.text ?? '')).length, 1, 'told once');
  });

  test('Keep: refused while the queue is full; a set-aside post whose time passed goes out at once when kept; pressing again does nothing more', async () => {
    const { user, ids, until } = await proUserWithPosts(7);
    await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000));
    await next(user, /plan has ended/);
    user.sendCommand('/queue');
    const queue = await next(user, /Upcoming posts/);
    user.pressButton(queue, `ig:fl:keep:${ids[6]}`);
    const full = await next(user, /queue is full/);
    assert.match(full.text!, /Your Free queue is full \(5 posts\)/);
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), ids.slice(5));

    // A place frees (a queued post is cancelled): the overdue set-aside post is kept, and goes out now (no posting times of its own).
    await stack.db.sql`update posts set scheduled_at = now() - interval '1 hour' where id = ${ids[6]!}`;
    user.pressButton(queue, `ig:q:cancel:${ids[0]}`);
    await next(user, /Post cancelled/);
    user.pressButton(queue, `ig:fl:keep:${ids[6]}`);
    const kept = await next(user, /back in the queue/);
    assert.match(kept.text!, new RegExp(`#${ids[6]} is back in the queue\\. Its time passed while it was set aside, so it goes out at the next free time`));
    assert.match(kept.text!, /1 post is still set aside/);
    assert.equal((await postReaches(stack, ids[6]!, ['published', 'failed'])).state, 'published');
    user.pressButton(queue, `ig:fl:keep:${ids[6]}`);
    await next(user, new RegExp(`#${ids[6]} is not set aside any more`));
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), [ids[5]]);
  });

  test('set one aside to keep another: the kept post keeps its time and gets a new publish job, the other one\'s job does nothing', async () => {
    const { user, ids, until } = await proUserWithPosts(6);
    await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000));
    await next(user, /plan has ended/);
    const [{ version: oldVersion } = { version: 0 }] = await publishJobs(ids[5]!);
    user.sendCommand('/queue');
    const queue = await next(user, /Upcoming posts/);
    user.pressButton(queue, `ig:fl:aside:${ids[3]}`);
    await next(user, new RegExp(`#${ids[3]} is set aside`));
    const after = await next(user, /Upcoming posts/);
    user.pressButton(after, `ig:fl:keep:${ids[5]}`);
    const kept = await next(user, /back in the queue/);
    assert.match(kept.text!, new RegExp(`#${ids[5]} is back in the queue: it goes out `));
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), [ids[3]]);
    const jobs = await publishJobs(ids[5]!);
    assert.ok(jobs.some((j) => j.version > oldVersion), 'a publish job for the new version');
    // The set-aside post's own job comes due: it publishes nothing.
    await makeDue([ids[3]!]);
    const [row] = await stack.db.sql`select state, media_id from posts where id = ${ids[3]!}`;
    assert.deepEqual({ ...row }, { state: 'scheduled', media_id: null });
  });

  test('Delete asks first, cancels the set-aside posts and gives their units back; a second press deletes nothing', async () => {
    const { user, ids, until } = await proUserWithPosts(7);
    await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000));
    const notice = await next(user, /plan has ended/);
    user.pressButton(notice, 'ig:fl:del');
    const ask = await next(user, /Delete the 2 set-aside posts\? This cannot be undone/);
    user.pressButton(ask, 'ig:fl:del:yes');
    await next(user, /2 set-aside posts deleted/);
    user.pressButton(ask, 'ig:fl:del:yes');
    await next(user, /No posts are set aside any more/);
    await stack.updatesDone();
    const rows = await stack.db.sql`select id, state, quota_period_start from posts where user_id = ${user.id} order by id`;
    assert.deepEqual(rows.filter((r) => r.state === 'cancelled').map((r) => Number(r.id)), ids.slice(5));
    assert.ok(rows.filter((r) => r.state === 'cancelled').every((r) => r.quota_period_start === null), 'units given back');
    assert.equal(rows.filter((r) => r.state === 'scheduled').length, 5);
  });

  test('a refund ends the plan and sets posts aside; Upgrade and paying brings them back, each with a publish job', async () => {
    const { user, accountId } = await userWithAccount(stack, { plan: 'free' });
    const paid = await subscribe(stack, user, 'pro');
    const ids: number[] = [];
    for (let d = 1; d <= 7; d++) ids.push(await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: inDays(d) }));
    stack.telegram.refundStarPaymentAsTelegram(paid.telegram_payment_charge_id);
    const notice = await next(user, /were refunded/);
    assert.match(notice.text!, /2 scheduled posts are over the Free queue of 5/);
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), ids.slice(5));
    user.pressButton(notice, 'plan:upgrade');
    const list = await next(user, /Plans, paid monthly/);
    user.pressButton(list, 'pay:buy:m:basic');
    const ready = await next(user, /every 30 days/);
    user.payInvoiceLink(buttons(ready).find((b) => b.startsWith('https://t.me/$'))!);
    const thanks = await next(user, /Payment received/);
    assert.match(thanks.text!, /2 set-aside posts are back in your queue/);
    await stack.updatesDone();
    assert.deepEqual(await flagged(user.id), []);
    for (const id of ids.slice(5)) {
      const [post] = await stack.db.sql<{ version: number }[]>`select version from posts where id = ${id}`;
      assert.ok((await publishJobs(id)).some((j) => j.version === post!.version), `post ${id} has a job for its version`);
    }
  });

  test('Friends & Family removed: posts beyond Free are set aside and the notice says so; a post already publishing is never set aside', async () => {
    const { user, accountId } = await userWithAccount(stack, { plan: 'free' });
    user.sendCommand('/start'); // opens the chat: the bot cannot write first
    await next(user, /./);
    await grantFriendsFamily(stack.db.sql, { userId: user.id, actorId: 1, note: 'test' });
    await next(user, /Friends &/);
    const ids: number[] = [];
    for (let d = 1; d <= 6; d++) ids.push(await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: inDays(d) }));
    // The latest is being published (its call to Instagram may be under way): it holds its place.
    await stack.db.sql`update posts set state = 'publishing' where id = ${ids[5]!}`;
    assert.equal(await removeFriendsFamily(stack.db.sql, { userId: user.id, actorId: 1 }), 'removed');
    const notice = await next(user, /status has ended/);
    assert.match(notice.text!, /1 scheduled post is over the Free queue of 5: it is set aside/);
    assert.deepEqual(buttons(notice), ['ig:q:page:0', 'ig:fl:del', 'plan:upgrade']);
    assert.deepEqual(await flagged(user.id), [ids[4]]);
    const [publishing] = await stack.db.sql`select flagged_at from posts where id = ${ids[5]!}`;
    assert.equal(publishing!.flagged_at, null);
  });

  test('the buttons act on the presser\'s own posts only', async () => {
    const { user: owner, ids, until } = await proUserWithPosts(6);
    await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000));
    await next(owner, /plan has ended/);
    const { user: other } = await userWithAccount(stack, { plan: 'pro' });
    other.sendCommand('/queue');
    const own = await next(other, /No posts are waiting/);
    await forgePress(stack.telegram, other, own, `ig:fl:keep:${ids[5]}`);
    await next(other, new RegExp(`#${ids[5]} is not set aside any more`));
    await forgePress(stack.telegram, other, own, `ig:fl:aside:${ids[0]}`);
    await next(other, new RegExp(`#${ids[0]} is not waiting in the queue`));
    await forgePress(stack.telegram, other, own, 'ig:fl:del:yes');
    await next(other, /No posts are set aside/);
    await stack.updatesDone();
    assert.deepEqual(await flagged(owner.id), [ids[5]]);
    const [first] = await stack.db.sql`select state, flagged_at from posts where id = ${ids[0]!}`;
    assert.deepEqual({ ...first }, { state: 'scheduled', flagged_at: null });
  });
});
