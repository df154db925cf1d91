import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Message } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { graphErrors } from '../../emulator/instagram/index.js';
import { cancelPost, schedulePost } from '../../shared/modules/instapost/posts.js';
import { sweepPlans } from '../../shared/modules/payments/sweepPlans.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { postReaches, schedule, userWithAccount } from '../instapost/publishSupport.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { buttons } from '../instapost/chatSupport.js';

// The plans' limits where users meet them: the 11th post of a Free month, a full queue, a post
// that fails for good giving its unit back, and /plan showing what is used.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };
const next = (user: EmulatedUser, re: RegExp) => stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? m.caption ?? ''), WAIT);
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);

async function postsUsed(userId: number): Promise<number> {
  const plan = await readUserPlan(stack.db.sql, userId);
  const [row] = await stack.db.sql<{ posts_used: number }[]>`
    select posts_used from plan_usage where user_id = ${userId} and period_start = ${plan.period.start}`;
  return row?.posts_used ?? 0;
}

/** Through /post to the preview of one picture; returns the preview and the draft's id. */
async function preview(user: EmulatedUser): Promise<{ message: Message; postId: number }> {
  user.sendCommand('/post');
  await next(user, /Send me a photo/);
  await user.sendImage(await jpeg(1080, 1080));
  await next(user, /Image received/);
  user.sendMessage('caption');
  const alt = await next(user, /alt text/);
  user.pressButton(alt, buttons(alt).find((b) => b.includes('skipalt'))!);
  const message = await next(user, /Post preview/);
  return { message, postId: Number(/now:(\d+)/.exec(buttons(message).join())![1]) };
}

describe('plan limits', () => {
  test('the 11th post of a Free month gets the quota message naming Basic, with an Upgrade button to the plans; the draft stays', async () => {
    const { user } = await userWithAccount(stack, { plan: 'free' });
    const plan = await readUserPlan(stack.db.sql, user.id);
    await stack.db.sql`insert into plan_usage (user_id, period_start, posts_used) values (${user.id}, ${plan.period.start}, 10)`;
    const { message, postId } = await preview(user);
    user.pressButton(message, `ig:post:now:${postId}`);
    const refused = await next(user, /monthly post limit/);
    assert.match(refused.text!, /You've reached your monthly post limit \(10\/10\)/);
    assert.match(refused.text!, /Your limit resets on /);
    assert.match(refused.text!, /Upgrade to Basic for 100 posts\/month/);
    assert.deepEqual(buttons(refused), ['plan:upgrade']);
    await stack.updatesDone();
    const [post] = await stack.db.sql`select state, quota_period_start from posts where id = ${postId}`;
    assert.deepEqual({ ...post }, { state: 'draft', quota_period_start: null });
    assert.equal(await postsUsed(user.id), 10);
    user.pressButton(refused, 'plan:upgrade');
    const plans = await next(user, /Upgrade/);
    assert.match(plans.text!, /You are on Free/);
    assert.match(plans.text!, /Basic — 450 ⭐ a month: 100 posts a month, 2 Instagram accounts, 25 scheduled posts/);
    assert.match(plans.text!, /Business — 4,950 ⭐ a month: unlimited posts/);
    // After an upgrade the same button publishes.
    await grantPlan(stack.db.sql, { userId: user.id, plan: 'basic', until: inDays(30), source: 'admin' });
    user.pressButton(message, `ig:post:now:${postId}`);
    await next(user, /Publishing now/);
    assert.equal((await postReaches(stack, postId, ['published', 'failed'])).state, 'published');
    assert.equal(await postsUsed(user.id), 1, 'a new plan, a new period');
  });

  test('a post counts once when published, and one that fails for good gives its unit back', async () => {
    const { user, account, accountId } = await userWithAccount(stack, { plan: 'free' });
    const published = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    await postReaches(stack, published, ['published']);
    assert.equal(await postsUsed(user.id), 1);
    stack.instagram.failNext('createContainer', graphErrors.unsupportedImageFormat(), { igUserId: account.igUserId });
    const failed = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    assert.equal(await postsUsed(user.id), 2, 'counted when scheduled');
    assert.equal((await postReaches(stack, failed, ['published', 'failed'])).state, 'failed');
    await stack.telegram.waitForBotMessage(user, (m) => /could not be published/.test(m.text ?? ''), WAIT);
    assert.equal(await postsUsed(user.id), 1);
    const [row] = await stack.db.sql`select quota_period_start from posts where id = ${failed}`;
    assert.equal(row!.quota_period_start, null);
  });

  test('a Free queue holds 5 scheduled posts; a cancelled one frees its place and its unit', async () => {
    const { user, accountId } = await userWithAccount(stack, { plan: 'free' });
    const ids = [];
    for (let d = 1; d <= 5; d++) ids.push(await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: inDays(d) }));
    assert.equal(await postsUsed(user.id), 5);
    const { message, postId } = await preview(user);
    user.pressButton(message, `ig:post:sched:${postId}`);
    const times = await next(user, /When\? Your time zone/);
    user.pressButton(times, buttons(times).find((b) => b.startsWith(`ig:post:at:${postId}:`))!);
    const full = await next(user, /queue is full/);
    assert.match(full.text!, /5\/5 scheduled posts on the Free plan/);
    assert.match(full.text!, /Upgrade to Basic for 25 scheduled posts/);
    assert.deepEqual(buttons(full), ['plan:upgrade']);
    await stack.updatesDone();
    assert.equal(await postsUsed(user.id), 5);
    assert.equal(await cancelPost(stack.db.sql, user.id, ids[0]!), 'cancelled');
    assert.equal(await postsUsed(user.id), 4);
    const result = await schedulePost(stack.db.sql, user.id, postId, inDays(6));
    assert.equal(result.status, 'scheduled');
    assert.equal(await postsUsed(user.id), 5);
  });

  test('Free has no posting times of its own: /schedule slots are refused with the plan that has them', async () => {
    const { user } = await userWithAccount(stack, { plan: 'free' });
    user.sendCommand('/schedule');
    await next(user, /Posting schedule/);
    user.sendMessage('daily 10:00');
    const refused = await next(user, /posting times/);
    assert.match(refused.text!, /not part of the Free plan[\s\S]*Upgrade to Basic/);
    await stack.updatesDone();
    assert.equal((await stack.db.sql`select 1 from posting_slots where user_id = ${user.id}`).length, 0);
  });

  test('a plan that ends falls back to Free: reminded 3 days before, then told, and posts above Free\'s queue stay, set aside', async () => {
    const { user, accountId } = await userWithAccount(stack, { plan: 'free' });
    const until = inDays(10);
    await grantPlan(stack.db.sql, { userId: user.id, plan: 'pro', until, source: 'admin' });
    for (let d = 1; d <= 7; d++) await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: inDays(d + 10) });
    assert.deepEqual(await sweepPlans(stack.db.sql, new Date(until.getTime() - 4 * 86_400_000)), { reminded: 0, expired: 0 });
    assert.deepEqual(await sweepPlans(stack.db.sql, new Date(until.getTime() - 2 * 86_400_000)), { reminded: 1, expired: 0 });
    assert.deepEqual(await sweepPlans(stack.db.sql, new Date(until.getTime() - 86_400_000)), { reminded: 0, expired: 0 }, 'reminded once');
    await next(user, /Your Pro plan ends on .* and does not renew/);
    assert.deepEqual(await sweepPlans(stack.db.sql, new Date(until.getTime() + 1000)), { reminded: 0, expired: 1 });
    const told = await next(user, /plan has ended/);
    assert.match(told.text!, /you are on Free now: 10 posts a month, 5 scheduled posts/);
    assert.match(told.text!, /2 scheduled posts are over the Free queue of 5: they are set aside/);
    assert.equal((await readUserPlan(stack.db.sql, user.id)).plan, 'free');
    const [{ queued, aside } = { queued: 0, aside: 0 }] = await stack.db.sql<{ queued: number; aside: number }[]>`
      select count(*)::int as queued, count(*) filter (where flagged_at is not null)::int as aside from posts where user_id = ${user.id} and state = 'scheduled'`;
    assert.deepEqual({ queued, aside }, { queued: 7, aside: 2 }, 'nothing is cancelled; the 2 beyond the queue are set aside (test/plans/setAside.test.ts)');
  });

  test('/plan shows the plan, what is used of each limit, and when it ends', async () => {
    const { user, accountId } = await userWithAccount(stack, { plan: 'free' });
    await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: inDays(2) });
    user.sendCommand('/plan');
    const shown = await next(user, /Your plan/);
    assert.match(shown.text!, /Your plan: Free/);
    assert.match(shown.text!, /Posts this period: 1\/10/);
    assert.match(shown.text!, /Instagram accounts: 1\/1/);
    assert.match(shown.text!, /Scheduled posts: 1\/5/);
    assert.match(shown.text!, /Custom posting times: no/);
    assert.ok(buttons(shown).includes('plan:upgrade'));
    await grantPlan(stack.db.sql, { userId: user.id, plan: 'pro', until: new Date('2027-01-20T12:00:00Z'), source: 'admin' });
    user.sendCommand('/plan');
    const pro = await next(user, /Your plan: Pro/);
    assert.match(pro.text!, /Posts this period: 0\/500/);
    assert.match(pro.text!, /Ends on January 20, 2027 and does not renew/);
  });
});
