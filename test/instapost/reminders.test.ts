import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import type { Queryable } from '../../shared/db/Queryable.js';
import { saveReminderMinutes } from '../../shared/modules/instapost/reminderMinutes.js';
import { type InstapostStack, startInstapostStack } from '../support/startInstapostStack.js';
import { jpeg } from '../support/testImages.js';
import { waitFor } from '../support/waitFor.js';
import { schedule, userWithAccount } from './publishSupport.js';

// A post's reminder comes once, at the time of the user's current setting, whatever the order
// of the settings change and the reminder jobs queued before it. A job is "run at its time" by
// moving its run_at to now: the handler judges the post and the setting, not the clock, except
// for the jobs of an older release that carry no setting.

let stack: InstapostStack;
before(async () => { stack = await startInstapostStack(); });
after(async () => { await stack.stop(); });

const WAIT = { timeoutMs: 20_000 };

const remindJobs = (postId: number, sql: Queryable = stack.db.sql) => sql<{ id: number; minutes: number | null; before: number }[]>`
  select id, (payload->>'minutes')::int as minutes, round(extract(epoch from (select scheduled_at from posts where id = ${postId}) - run_at) / 60)::int as before
  from jobs where type = 'instapost_remind' and payload->>'postId' = ${String(postId)} order by id`;

const reminders = (user: EmulatedUser, postId: number) =>
  stack.telegram.messagesIn(user).filter((m) => new RegExp(`Post #${postId} goes out`).test(m.text ?? ''));

const jobsSettle = () => [[stack.worker!.runner, 'completed'], [stack.worker!.runner, 'failed']] as const;

/** Runs one reminder job now and waits until it is done. */
async function runJob(jobId: number): Promise<void> {
  await stack.db.sql`update jobs set run_at = now() where id = ${jobId}`;
  stack.worker!.runner.kick();
  await waitFor(`reminder job ${jobId} done`, async () => (await stack.db.sql`select 1 from jobs where id = ${jobId}`).length === 0, { on: jobsSettle() });
}

/** Waits until no reminder job of the post is left. */
async function remindersDone(postId: number): Promise<void> {
  stack.worker!.runner.kick();
  await waitFor('the reminder jobs done', async () => (await remindJobs(postId)).length === 0, { on: jobsSettle() });
}

describe('post reminders and settings changes', () => {
  test('a reminder queued by an older release (no setting in it), then the setting changed to 5 minutes: it is silent, and one reminder comes at 5 minutes', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 3 * 3_600_000) });
    // As a release before reminders carried `minutes` queued it.
    await stack.db.sql`update jobs set payload = payload - 'minutes', dedupe_key = ${`instapost_remind:${postId}:2`}
      where type = 'instapost_remind' and payload->>'postId' = ${String(postId)}`;
    assert.ok(await saveReminderMinutes(stack.db.sql, user.id, 5));
    const [old, fresh] = await remindJobs(postId);
    assert.deepEqual([old, fresh].map((j) => [j?.minutes, j?.before]), [[null, 15], [5, 5]]);

    await runJob(old!.id);
    assert.equal(reminders(user, postId).length, 0, 'the reminder for the old setting was sent');
    assert.equal((await stack.db.sql`select reminded_at from posts where id = ${postId}`)[0]!.reminded_at, null);

    await runJob(fresh!.id);
    assert.equal(reminders(user, postId).length, 1);
  });

  test('a change to more notice than the post has left reminds at once, and the reminder of the old setting then says nothing', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 30 * 60_000) });
    const [old] = await remindJobs(postId);
    assert.equal(old?.minutes, 15);
    // 60 minutes before the post has passed: the reminder comes now, not never (nor at 15 minutes).
    assert.ok(await saveReminderMinutes(stack.db.sql, user.id, 60));
    stack.worker!.runner.kick();
    const reminder = await stack.telegram.waitForBotMessage(user, (m) => new RegExp(`Post #${postId} goes out`).test(m.text ?? ''), WAIT);
    assert.match(reminder.text!, /in (29|30) minutes/);

    await runJob(old!.id);
    await remindersDone(postId);
    assert.equal(reminders(user, postId).length, 1);
  });

  test('a change after the reminder was sent sends no other', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 3 * 3_600_000) });
    const [job] = await remindJobs(postId);
    await runJob(job!.id);
    assert.equal(reminders(user, postId).length, 1);
    assert.ok(await saveReminderMinutes(stack.db.sql, user.id, 60));
    assert.ok(await saveReminderMinutes(stack.db.sql, user.id, 5));
    assert.equal((await remindJobs(postId)).length, 0, 'a reminder was queued for a post already reminded');
    assert.equal(reminders(user, postId).length, 1);
  });

  test('raising the lead time reminds at once only posts more than a minute away and not reminded yet, each once', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const image = await jpeg(1080, 1080);
    const later = () => new Date(Date.now() + 3 * 3_600_000);
    const [soon, inside, reminded, outside] = [
      await schedule(stack, user, accountId, [image], { at: later() }), await schedule(stack, user, accountId, [image], { at: later() }),
      await schedule(stack, user, accountId, [image], { at: later() }), await schedule(stack, user, accountId, [image], { at: later() }),
    ];
    // One post's 15-minute reminder was sent already.
    await runJob((await remindJobs(reminded))[0]!.id);
    assert.equal(reminders(user, reminded).length, 1);
    // The clock moved on: three posts are now within the hour (their publish jobs stay where they were).
    await stack.db.sql`update posts set scheduled_at = now() + interval '40 seconds' where id = ${soon}`;
    await stack.db.sql`update posts set scheduled_at = now() + interval '10 minutes' where id = ${inside}`;
    await stack.db.sql`update posts set scheduled_at = now() + interval '20 minutes' where id = ${reminded}`;

    // The jobs the change makes, read before it commits (the worker would run the ones due now at once).
    await stack.db.sql.begin(async (tx) => {
      assert.ok(await saveReminderMinutes(tx, user.id, 60));
      const minutesOf = async (postId: number) => (await remindJobs(postId, tx)).map((j) => j.minutes);
      assert.deepEqual(await minutesOf(soon), [15], 'a post due within a minute gets no reminder at once');
      assert.deepEqual(await minutesOf(reminded), [], 'a post reminded already gets no second one');
      const insideJobs = await remindJobs(inside, tx);
      assert.deepEqual(insideJobs.map((j) => j.minutes), [15, 60]);
      assert.equal(insideJobs[1]!.before, 10, 'the new one at once, 10 minutes before the post');
      assert.deepEqual((await remindJobs(outside, tx)).map((j) => [j.minutes, j.before]), [[15, 15], [60, 60]]);
    });

    // The one for the post inside the wider window comes at once; the old setting's job then says nothing.
    const reminder = await stack.telegram.waitForBotMessage(user, (m) => new RegExp(`Post #${inside} goes out`).test(m.text ?? ''), WAIT);
    assert.match(reminder.text!, /in (9|10) minutes/);
    await runJob((await remindJobs(inside))[0]!.id);
    await remindersDone(inside);
    assert.deepEqual([soon, inside, reminded, outside].map((id) => reminders(user, id).length), [0, 1, 1, 0]);
  });

  test('a reminder that runs less than a minute before its post (held up by a backlog) says nothing', async () => {
    const { user, accountId } = await userWithAccount(stack);
    const postId = await schedule(stack, user, accountId, [await jpeg(1080, 1080)], { at: new Date(Date.now() + 3 * 3_600_000) });
    const [job] = await remindJobs(postId);
    await stack.db.sql`update posts set scheduled_at = now() + interval '40 seconds' where id = ${postId}`;
    await runJob(job!.id);
    assert.equal(reminders(user, postId).length, 0);
    assert.equal((await stack.db.sql`select reminded_at from posts where id = ${postId}`)[0]!.reminded_at, null);
  });
});
