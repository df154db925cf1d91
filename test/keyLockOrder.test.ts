import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { createSql } from '../shared/db/createSql.js';
import { recordUpdates } from '../shared/ingress/recordUpdates.js';
import { claimJobs } from '../shared/queue/claimJobs.js';
import { completeJobs } from '../shared/queue/completeJobs.js';
import { defineJob } from '../shared/queue/defineJob.js';
import { enqueueMany } from '../shared/queue/enqueue.js';
import { routeUpdate } from '../shared/telegram/routeUpdate.js';
import { lockWaits } from './support/lockWaits.js';
import { createTestDatabase, needsServer, type TestDatabase } from './support/testDatabase.js';

// Statements that lock several chats' serial_key locks take them in one order, hashtext's
// (migration jobs_key_lock_order): two of them holding the same chats in opposite orders wait
// for each other instead of deadlocking (the server would abort one: a 503 for a whole
// webhook batch). Each test makes the opposite orders meet: a third transaction holds one
// key's lock until both statements wait, then lets go.

const noteJob = defineJob('note', z.object({ n: z.number().int() }));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
beforeEach(async () => { await db.sql`truncate jobs, processed_webhooks`; });

const dm = (updateId: number, chatId: number) => {
  const update = { update_id: updateId, message: { message_id: updateId, date: 0, chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'U' }, text: 'hi' } };
  return { updateId, body: JSON.stringify(update), route: routeUpdate(update) };
};

/** Runs `a` and `b` while another connection holds `key`'s lock; lets go once both wait on a lock. */
async function meetBehind<A, B>(key: string, a: () => Promise<A>, b: () => Promise<B>): Promise<[PromiseSettledResult<A>, PromiseSettledResult<B>]> {
  const other = createSql(db.url, { max: 1 });
  try {
    let release!: () => void;
    const holding = new Promise<void>((r) => { release = r; });
    let held!: () => void;
    const locked = new Promise<void>((r) => { held = r; });
    const blocker = other.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('jobs.serial_key'), hashtext(${key}))`;
      held();
      await holding;
    });
    await locked;
    const first = a();
    await lockWaits(db.sql, 1, { event: 'advisory' });
    const second = b();
    await lockWaits(db.sql, 2, { event: 'advisory' });
    release();
    await blocker;
    return await Promise.allSettled([first, second]) as [PromiseSettledResult<A>, PromiseSettledResult<B>];
  } finally {
    await other.end({ timeout: 1 });
  }
}

const fulfilled = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? 'ok' : String((r.reason as Error).message));

/** Two chat ids whose keys' text order is the opposite of their hashtext order. */
async function keysOrderedAgainstTheirHashes(): Promise<[low: number, high: number]> {
  const [row] = await db.sql<{ a: number; b: number }[]>`
    select a, b from generate_series(1000, 1100) a, generate_series(1000, 1100) b
    where ('chat:' || a) < ('chat:' || b) and hashtext('chat:' || a) > hashtext('chat:' || b)
    limit 1`;
  return [row!.a, row!.b];
}

describe('several chats\' key locks in one statement', { skip: needsServer }, () => {
  test('two webhook batches holding three chats in opposite orders both commit, each chat\'s jobs in order', async () => {
    // Chat 2's lock is held; batch one has chats 1, 2, 3 and batch two 3, 2, 1.
    const [one, two] = await meetBehind('chat:2',
      () => recordUpdates(db.sql, [dm(11, 1), dm(12, 2), dm(13, 3)]),
      () => recordUpdates(db.sql, [dm(21, 3), dm(22, 2), dm(23, 1)]));
    assert.deepEqual([fulfilled(one), fulfilled(two)], ['ok', 'ok']);
    const jobs = await db.sql<{ key: string; ids: string }[]>`
      select serial_key as key, string_agg(payload->>'update_id', ',' order by id) as ids from jobs group by 1 order by 1`;
    assert.equal(jobs.length, 3);
    for (const { key, ids } of jobs) assert.equal(ids.split(',').length, 2, `${key}: one job per batch`);
  });

  test('a webhook batch and the worker\'s completion of the same two chats both commit', async () => {
    const [low, high] = await keysOrderedAgainstTheirHashes();
    await recordUpdates(db.sql, [dm(1, low), dm(2, high)]);
    const claimed = (await claimJobs(db.sql, 'w1', 10, 30_000)).map((j) => j.id);
    assert.equal(claimed.length, 2);
    // The completion hands both keys over; the batch brings each chat's next update.
    const [done, batch] = await meetBehind(`chat:${low}`,
      () => completeJobs(db.sql, 'w1', claimed),
      () => recordUpdates(db.sql, [dm(3, high), dm(4, low)]));
    assert.deepEqual([fulfilled(done), fulfilled(batch)], ['ok', 'ok']);
    const left = await db.sql<{ update_id: string; state: string }[]>`select payload->>'update_id' as update_id, state from jobs order by id`;
    assert.deepEqual(left.map((r) => [r.update_id, r.state]), [['3', 'queued'], ['4', 'queued']], 'each chat\'s next job is its head');
  });

  test('enqueueMany given the same keys in opposite orders: both commit', async () => {
    const jobs = (keys: string[]) => keys.map((serialKey, n) => ({ payload: { n }, serialKey }));
    const [one, two] = await meetBehind('k:b',
      () => db.sql.begin((tx) => enqueueMany(tx, noteJob, jobs(['k:a', 'k:b', 'k:c']))),
      () => db.sql.begin((tx) => enqueueMany(tx, noteJob, jobs(['k:c', 'k:b', 'k:a']))));
    assert.deepEqual([fulfilled(one), fulfilled(two)], ['ok', 'ok']);
    const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from jobs`;
    assert.equal(row?.n, 6);
  });
});
