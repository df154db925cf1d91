import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import { banUser, unbanUser } from '../../shared/modules/admin/banUser.js';
import { userNoticeJob } from '../../shared/modules/admin/userNoticeJob.js';
import { planNoticeJob } from '../../shared/modules/plans/planNoticeJob.js';
import { referralNoticeJob } from '../../shared/modules/users/referralNoticeJob.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { waitFor } from '../support/waitFor.js';
import { postReaches, schedule, userWithAccount } from '../instapost/publishSupport.js';
import { startedUser, subscribe } from '../plans/paymentSupport.js';

// A banned user gets no message from the bot outside their own updates (a post's outcome, a
// reminder, a plan, referral or admin notice): the jobs complete, the notice dropped. The ban
// notice, sent in their own update, is the one message they get.

const ADMIN_ID = 990_101;

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack({ instagram: { permalinkDelayMs: 0 } }); });
after(async () => { await stack.stop(); });

const settled = () => [[stack.worker!.runner, 'completed'], [stack.worker!.runner, 'failed']] as const;

/** Waits until no job of `type` naming the user (or the post) is left. */
async function jobsDone(type: string, field: string, id: number): Promise<void> {
  stack.worker!.runner.kick();
  await waitFor(`the ${type} jobs done`, async () =>
    (await stack.db.sql`select 1 from jobs where type = ${type} and payload->>${field} = ${String(id)}`).length === 0, { on: settled() });
}

/** The bot's messages to the user other than the ban notice. */
const told = (user: EmulatedUser) => stack.telegram.messagesIn(user).filter((m) => !/access to this bot was suspended/.test(m.text ?? '')).map((m) => m.text);

describe('banned users and background messages', () => {
  test('a banned user is told neither that a post went out nor reminded, nor sent plan, referral or admin notices; after an unban they are again', async () => {
    const { user, account, accountId } = await userWithAccount(stack);
    assert.equal((await banUser(stack.db.sql, { userId: user.id, actorId: ADMIN_ID, reason: 'spam' })).status, 'done');

    // A post scheduled after the ban stands for one already publishing when it came (banUser
    // leaves those to finish): it goes out, and its outcome is recorded but not told.
    const published = await schedule(stack, user, accountId, [await jpeg(1080, 1080)]);
    assert.equal((await postReaches(stack, published, ['published', 'failed'])).state, 'published');
    await jobsDone('instapost_publish', 'postId', published);
    assert.equal(account.posts.length, 1);
    assert.ok((await stack.db.sql`select notified_at from posts where id = ${published}`)[0]!.notified_at, 'the outcome was handled');

    // Likewise a reminder whose job runs after the ban.
    const later = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 3 * 3_600_000) });
    await stack.db.sql`update jobs set run_at = now() where type = 'instapost_remind' and payload->>'postId' = ${String(later)}`;
    await jobsDone('instapost_remind', 'postId', later);

    await enqueue(stack.db.sql, planNoticeJob, { userId: user.id, notice: 'reminder', plan: 'pro', date: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    await enqueue(stack.db.sql, referralNoticeJob, { referrerId: user.id, name: 'Bob', points: 10, balance: 20 });
    await enqueue(stack.db.sql, userNoticeJob, { userId: user.id, notice: 'admin_notice_ff_granted' });
    await jobsDone('plan_notice', 'userId', user.id);
    await jobsDone('referral_notice', 'referrerId', user.id);
    await jobsDone('admin_user_notice', 'userId', user.id);
    assert.deepEqual(told(user), []);
    assert.equal((await stack.db.sql`select 1 from jobs where state = 'failed'`).length, 0, 'a notice job died instead of completing');

    // The ban is read when each message is sent: after an unban the same notices reach them.
    assert.equal((await unbanUser(stack.db.sql, { userId: user.id, actorId: ADMIN_ID })).status, 'done');
    await enqueue(stack.db.sql, userNoticeJob, { userId: user.id, notice: 'admin_notice_unbanned' });
    await enqueue(stack.db.sql, referralNoticeJob, { referrerId: user.id, name: 'Bob', points: 10, balance: 20 });
    await enqueue(stack.db.sql, planNoticeJob, { userId: user.id, notice: 'reminder', plan: 'pro', date: new Date(Date.now() + 3 * 86_400_000).toISOString() });
    stack.worker!.runner.kick();
    const back = await stack.telegram.waitFor(() => (told(user).length === 3 ? told(user) : undefined), { timeoutMs: 20_000, description: 'the three notices' });
    assert.ok(back.some((t) => /access to this bot was restored/.test(t ?? '')));
    assert.ok(back.some((t) => /Bob/.test(t ?? '')));
  });

  test('a banned subscriber who cancels, or whose renewal fails, in their Telegram app is not told about it', async () => {
    const user = await startedUser(stack);
    const payment = await subscribe(stack, user, 'pro');
    assert.equal((await banUser(stack.db.sql, { userId: user.id, actorId: ADMIN_ID, reason: 'spam' })).status, 'done');
    await stack.updatesDone();
    const before = told(user).length;
    stack.telegram.setStarSubscriptionCanceledByUser(payment.telegram_payment_charge_id, true);
    await stack.updatesDone();
    stack.telegram.failStarSubscriptionRenewal(payment.telegram_payment_charge_id);
    await stack.updatesDone();
    const [sub] = await stack.db.sql<{ state: string }[]>`select state from star_subscriptions where user_id = ${user.id}`;
    assert.equal(sub!.state, 'failed', 'both updates were handled');
    assert.deepEqual(told(user).slice(before), []);
  });
});
