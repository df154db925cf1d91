import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { postReaches, schedule, userWithAccount } from './publishSupport.js';

// While Meta processes a container, the publish job gives its worker slot back (SnoozeJob) and
// reads the container again a poll interval later, its attempt not counted: a slot is not held
// through every post's processing time, so a burst of posts due together shares the slots.

let stack: InstapostStack;
before(async () => {
  stack = await startInstapostStack({
    instagram: { containerProcessingMs: 1500, permalinkDelayMs: 0 },
    services: { containerPollMs: 100, containerWaitMs: 0 },
    runner: { concurrency: 1 },
  });
});
after(async () => { await stack.stop(); });

test('with one slot, a second post\'s container is created while the first one\'s still processes; both publish on their first attempt', async () => {
  const a = await userWithAccount(stack);
  const b = await userWithAccount(stack);
  const image = await jpeg(1080, 1080);
  const since = stack.instagram.calls.length;
  const first = await schedule(stack, a.user, a.accountId, [image]);
  const second = await schedule(stack, b.user, b.accountId, [image]);
  assert.equal((await postReaches(stack, first, ['published', 'failed'])).state, 'published');
  assert.equal((await postReaches(stack, second, ['published', 'failed'])).state, 'published');
  const calls = stack.instagram.calls.slice(since);
  const at = (operation: string, igUserId: string) => calls.findIndex((c) => c.operation === operation && c.path.includes(igUserId));
  assert.ok(at('createContainer', b.account.igUserId!) >= 0 && at('publish', a.account.igUserId!) >= 0);
  assert.ok(at('createContainer', b.account.igUserId!) < at('publish', a.account.igUserId!),
    'the second container was created only after the first post was published: the slot was held');
  assert.equal(stack.instagram.publishedPosts.filter((p) => [a.account.igUserId, b.account.igUserId].includes(p.igUserId)).length, 2);
  const [log] = await stack.db.sql<{ n: number }[]>`select count(*)::int as n from jobs where type = 'instapost_publish' and state = 'failed'`;
  assert.equal(log!.n, 0);
});
