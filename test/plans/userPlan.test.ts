import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { countPost } from '../../shared/modules/plans/countPost.js';
import { endPlan } from '../../shared/modules/plans/endPlan.js';
import { grantPlan } from '../../shared/modules/plans/grantPlan.js';
import { BILLING_PERIOD_MS, nextPlan, PLAN_LIMITS } from '../../shared/modules/plans/plans.js';
import { readUserPlan } from '../../shared/modules/plans/readUserPlan.js';
import { releasePost } from '../../shared/modules/plans/releasePost.js';
import { createTestDatabase, hasServer, type TestDatabase } from '../support/testDatabase.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

let nextUserId = 5000;
async function newUser(): Promise<number> {
  const id = nextUserId++;
  await db.sql`insert into users (id, first_name) values (${id}, 'U')`;
  return id;
}

async function newPost(userId: number): Promise<number> {
  const [row] = await db.sql<{ id: string }[]>`insert into posts (user_id, state) values (${userId}, 'scheduled') returning id`;
  return Number(row!.id);
}

test('a user with no grant is on Free, with the seed\'s limits', async () => {
  const userId = await newUser();
  const plan = await readUserPlan(db.sql, userId);
  assert.equal(plan.plan, 'free');
  assert.equal(plan.source, 'default');
  assert.equal(plan.until, null);
  assert.deepEqual([plan.limits.postsPerMonth, plan.limits.instagramAccounts, plan.limits.queueSize, plan.limits.captionTemplates], [10, 1, 5, 1]);
});

test('a grant is in force until its date, then reads as Free; every change is in plan_changes', async () => {
  const userId = await newUser();
  const now = new Date('2026-12-03T10:00:00Z');
  const until = new Date(now.getTime() + BILLING_PERIOD_MS);
  const granted = await grantPlan(db.sql, { userId, plan: 'pro', until, source: 'payment', now });
  assert.equal(granted.plan, 'pro');
  assert.deepEqual(granted.until, until);
  assert.equal((await readUserPlan(db.sql, userId, new Date(until.getTime() - 1))).plan, 'pro');
  assert.equal((await readUserPlan(db.sql, userId, until)).plan, 'free');
  const changes = await db.sql`select plan, previous_plan, source from plan_changes where user_id = ${userId} order by id`;
  assert.deepEqual(changes.map((c) => ({ ...c })), [{ plan: 'pro', previous_plan: 'free', source: 'payment' }]);
});

test('extending the same plan keeps its billing period; a different plan starts a new one', async () => {
  const userId = await newUser();
  const t0 = new Date('2026-12-03T10:00:00Z');
  const first = await grantPlan(db.sql, { userId, plan: 'basic', until: new Date(t0.getTime() + BILLING_PERIOD_MS), source: 'payment', now: t0 });
  const t1 = new Date(t0.getTime() + BILLING_PERIOD_MS - 60_000);
  const renewed = await grantPlan(db.sql, { userId, plan: 'basic', until: new Date(t0.getTime() + 2 * BILLING_PERIOD_MS), source: 'payment', now: t1 });
  assert.deepEqual(renewed.period.start, first.period.start);
  assert.deepEqual(renewed.grantedAt, first.grantedAt);
  const upgraded = await grantPlan(db.sql, { userId, plan: 'business', until: null, source: 'admin', actorId: 42, now: t1 });
  assert.deepEqual(upgraded.period.start, t1);
  assert.equal(upgraded.actorId, 42);
  assert.equal(upgraded.limits.postsPerMonth, null);
});

test('a Friends & Family grant has no end, keeps its note, and ends once', async () => {
  const userId = await newUser();
  const ff = await grantPlan(db.sql, { userId, plan: 'friends_family', until: null, source: 'friends_family', actorId: 7, note: 'Brother' });
  assert.deepEqual([ff.plan, ff.until, ff.note, ff.limits], ['friends_family', null, 'Brother', PLAN_LIMITS.business]);
  assert.equal(await endPlan(db.sql, { userId, reason: 'refunded', onlyPlan: 'pro' }), undefined, 'a refund of another plan leaves F&F alone');
  assert.deepEqual(await endPlan(db.sql, { userId, reason: 'friends_family_removed', actorId: 7 }), { ended: 'friends_family', flagged: [] }, 'no scheduled posts, none set aside');
  assert.equal(await endPlan(db.sql, { userId, reason: 'friends_family_removed', actorId: 7 }), undefined);
  assert.equal((await readUserPlan(db.sql, userId)).plan, 'free');
  const [last] = await db.sql`select plan, previous_plan, source, actor_id::int, reason from plan_changes where user_id = ${userId} order by id desc limit 1`;
  assert.deepEqual({ ...last }, { plan: 'free', previous_plan: 'friends_family', source: 'admin', actor_id: 7, reason: 'friends_family_removed' });
});

test('the next plan is the cheapest that allows more', () => {
  assert.equal(nextPlan('free', 'postsPerMonth'), 'basic');
  assert.equal(nextPlan('basic', 'bulkUpload'), 'pro');
  assert.equal(nextPlan('pro', 'queueSize'), 'business');
  assert.equal(nextPlan('business', 'postsPerMonth'), undefined);
});

test('posts count once each up to the limit, and a post given back frees its unit once', async () => {
  const userId = await newUser();
  const posts = [];
  for (let i = 0; i < 11; i++) posts.push(await newPost(userId));
  for (const p of posts.slice(0, 10)) assert.equal((await countPost(db.sql, userId, p)).ok, true);
  assert.equal((await countPost(db.sql, userId, posts[0]!)).used, 10, 'counting a post again takes nothing');
  const refused = await countPost(db.sql, userId, posts[10]!);
  assert.deepEqual([refused.ok, refused.used], [false, 10]);
  assert.equal(await releasePost(db.sql, posts[3]!), true);
  assert.equal(await releasePost(db.sql, posts[3]!), false, 'given back once');
  const counted = await countPost(db.sql, userId, posts[10]!);
  assert.deepEqual([counted.ok, counted.used], [true, 10]);
});

test('two posts racing for the last unit: one is counted', { skip: hasServer ? false : 'needs several connections' }, async () => {
  const userId = await newUser();
  const posts = [];
  for (let i = 0; i < 10; i++) posts.push(await newPost(userId));
  for (const p of posts.slice(0, 9)) await countPost(db.sql, userId, p);
  const racing = [await newPost(userId), posts[9]!];
  const results = await Promise.all(racing.map((p) => db.sql.begin((tx) => countPost(tx, userId, p))));
  assert.deepEqual(results.map((r) => r.ok).sort(), [false, true]);
  const [usage] = await db.sql<{ posts_used: number }[]>`select posts_used from plan_usage where user_id = ${userId}`;
  assert.equal(usage!.posts_used, 10);
});
