import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import * as z from 'zod';
import { GrammyError } from 'grammy';
import { failureReason } from '../../shared/metrics/failureReason.js';
import { histogramPercentile } from '../../shared/metrics/histogramPercentile.js';
import { readMetricTotals } from '../../shared/metrics/readMetricTotals.js';
import { readMetricSeries } from '../../shared/metrics/readMetricSeries.js';
import { readReplyTimes } from '../../shared/metrics/readReplyTimes.js';
import { replyTimeBucket, replyTimeHistogramBucket } from '../../shared/metrics/replyTimeBuckets.js';
import { addMetricCounts } from '../../shared/metrics/addMetricCounts.js';
import { claimJobs } from '../../shared/queue/claimJobs.js';
import { completeJobs } from '../../shared/queue/completeJobs.js';
import { defineJob } from '../../shared/queue/defineJob.js';
import { enqueue } from '../../shared/queue/enqueue.js';
import { failJob } from '../../shared/queue/failJob.js';
import { jobHandler, PermanentJobError } from '../../shared/queue/jobHandler.js';
import { JobRunner } from '../../worker/jobRunner.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { testLogger } from '../support/testLogger.js';
import { waitFor } from '../support/waitFor.js';

const countedJob = defineJob('counted', z.object({ failTimes: z.number().int() }));
let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });
beforeEach(async () => { await db.sql`truncate jobs, metric_minutes`; });

const hourAgo = () => new Date(Date.now() - 3_600_000);
const inAMinute = () => new Date(Date.now() + 60_000);
async function totals(metric: Parameters<typeof readMetricTotals>[1]['metric']) {
  return Object.fromEntries((await readMetricTotals(db.sql, { metric, from: hourAgo(), to: inAMinute() })).map((r) => [r.label, r.count]));
}

describe('reply-time percentiles', () => {
  test('a histogram percentile is interpolated inside its bucket and bounded by the bucket\'s largest value', () => {
    // 100 replies: 50 in [0, 50) ms, 45 in [500, 750), 5 in [2000, 2500) the slowest 2300 ms.
    const buckets = [
      { lower: 0, upper: 50, count: 50, max: 49 },
      { lower: 500, upper: 750, count: 45, max: 740 },
      { lower: 2000, upper: 2500, count: 5, max: 2300 },
    ];
    assert.equal(histogramPercentile(buckets, 0.5), 49); // rank 50 ends the first bucket: its max
    assert.equal(histogramPercentile(buckets, 0.95), 740);
    assert.equal(histogramPercentile(buckets, 0.99), 2000 + 300 * (4 / 5));
    assert.equal(histogramPercentile([], 0.5), null);
    // The overflow bucket is bounded by the largest value seen.
    assert.equal(histogramPercentile([{ lower: 60_000, upper: Infinity, count: 2, max: 90_000 }], 1), 90_000);
  });

  test('p95 is above a bucket bound exactly when fewer than 95 % of the replies are below it', async () => {
    const samples = (fast: number, slow: number) => [
      ...Array.from({ length: fast }, () => 1999),
      ...Array.from({ length: slow }, () => 2001),
    ];
    for (const [fast, slow, above] of [[95, 5, false], [94, 6, true]] as const) {
      await db.sql`truncate metric_minutes`;
      const rows = samples(fast, slow).map((ms) => ({ metric: 'dm_reply_ms', label: replyTimeBucket(ms), count: 1, sum: ms, max: ms }));
      await addMetricCounts(db.sql, rows);
      const [window] = await readReplyTimes(db.sql, { from: hourAgo(), to: inAMinute(), stepSeconds: 7200 });
      assert.equal(window!.count, 100);
      assert.equal(window!.p95 > 2000, above, `${fast} fast, ${slow} slow: p95 ${window!.p95}`);
      assert.equal(window!.max, 2001);
      assert.ok(Math.abs(window!.mean - (1999 * fast + 2001 * slow) / 100) < 1e-9);
    }
  });

  test('percentiles of a spread of reply times fall within their bucket', async () => {
    // 1..1000 ms, one each: the true p50 is 500, p95 950, p99 990.
    const rows = Array.from({ length: 1000 }, (_, i) => i + 1).map((ms) => ({ metric: 'dm_reply_ms', label: replyTimeBucket(ms), count: 1, sum: ms, max: ms }));
    await addMetricCounts(db.sql, rows);
    const [w] = await readReplyTimes(db.sql, { from: hourAgo(), to: inAMinute(), stepSeconds: 7200 });
    // Each estimate lies in the bucket of the true value: 500 in [500, 750), 950 and 990 in [750, 1000).
    for (const [name, estimate, truth] of [['p50', w!.p50, 500], ['p95', w!.p95, 950], ['p99', w!.p99, 990]] as const) {
      assert.equal(replyTimeBucket(estimate), replyTimeBucket(truth), `${name} ${estimate}, true ${truth}`);
    }
    assert.ok(w!.p50 < w!.p95 && w!.p95 < w!.p99);
    assert.equal(w!.max, 1000);
    assert.deepEqual(replyTimeHistogramBucket('inf', 1, 70_000), { lower: 60_000, upper: Infinity, count: 1, max: 70_000 });
  });
});

describe('recording with the queue\'s own statements', () => {
  test('a failure\'s reason is its kind and code, never its message', () => {
    const refused = new GrammyError('Call to \'sendMessage\' failed!', { ok: false, error_code: 400, description: 'Bad Request: chat 42 not found' }, 'sendMessage', {});
    assert.equal(failureReason(refused), 'GrammyError_400');
    assert.equal(failureReason(new PermanentJobError('Telegram rejected sendMessage', { cause: refused })), 'GrammyError_400');
    assert.equal(failureReason(new PermanentJobError('invalid payload for \'x\': user 42')), 'PermanentJobError');
    assert.equal(failureReason(Object.assign(new Error('read ECONNRESET 10.0.0.1'), { code: 'ECONNRESET' })), 'Error_ECONNRESET');
    assert.equal(failureReason(new TypeError('x is undefined')), 'TypeError');
  });

  test('a completion counts its jobs by type, what each counted, and its reply time; a job another worker holds counts nothing', async () => {
    const a = (await enqueue(db.sql, countedJob, { failTimes: 0 }))!;
    const b = (await enqueue(db.sql, countedJob, { failTimes: 0 }))!;
    await claimJobs(db.sql, 'w1', 10, 60_000);
    await completeJobs(db.sql, 'w1', [a], {
      counts: [{ jobId: a, metric: 'payment_refused', label: 'amount', count: 1, sum: 0, max: null }, { jobId: b, metric: 'payment_refused', label: 'paid', count: 1, sum: 0, max: null }],
      replies: [{ jobId: a, agoMs: 0 }, { jobId: b, agoMs: 0 }],
    });
    // A late completion of `b` by a worker that lost it: not deleted, so not counted.
    await completeJobs(db.sql, 'zombie', [b], { counts: [{ jobId: b, metric: 'payment_refused', label: 'paid', count: 1, sum: 0, max: null }], replies: [{ jobId: b, agoMs: 0 }] });
    assert.deepEqual(await totals('job_done'), { counted: 1 });
    assert.deepEqual(await totals('payment_refused'), { amount: 1 });
    const replies = await readMetricTotals(db.sql, { metric: 'dm_reply_ms', from: hourAgo(), to: inAMinute() });
    assert.equal(replies.reduce((n, r) => n + r.count, 0), 1);
  });

  test('two writers\' shards of one minute read as one total', async () => {
    const ids = [(await enqueue(db.sql, countedJob, { failTimes: 0 }))!, (await enqueue(db.sql, countedJob, { failTimes: 0 }))!];
    await claimJobs(db.sql, 'w1', 10, 60_000);
    await completeJobs(db.sql, 'w1', [ids[0]!], { shard: 1 });
    await completeJobs(db.sql, 'w1', [ids[1]!], { shard: 2 });
    const rows = await db.sql`select shard from metric_minutes where metric = 'job_done' order by shard`;
    assert.deepEqual(rows.map((r) => r.shard), [1, 2]);
    assert.deepEqual(await totals('job_done'), { counted: 2 });
    const [point] = await readMetricSeries(db.sql, { metric: 'job_done', from: hourAgo(), to: inAMinute() });
    assert.equal(point!.count, 2);
  });

  test('a failed attempt counts an error of its type and reason, a dead job also job_dead, a lost one nothing', async () => {
    const id = (await enqueue(db.sql, countedJob, { failTimes: 0 }, { maxAttempts: 2 }))!;
    await claimJobs(db.sql, 'w1', 1, 60_000);
    assert.equal(await failJob(db.sql, 'w1', id, 'boom', 0, false, { reason: 'GrammyError_502' }), 'retry');
    assert.equal(await failJob(db.sql, 'w1', id, 'boom', 0, false, { reason: 'GrammyError_502' }), 'lost');
    await claimJobs(db.sql, 'w1', 1, 60_000);
    assert.equal(await failJob(db.sql, 'w1', id, 'boom', 0, false, { reason: 'Error', counts: [{ metric: 'telegram_send', label: 'sendMessage', count: 2, sum: 0, max: null }] }), 'failed');
    assert.deepEqual(await totals('job_error'), { 'counted:GrammyError_502': 1, 'counted:Error': 1 });
    assert.deepEqual(await totals('job_dead'), { counted: 1 });
    assert.deepEqual(await totals('telegram_send'), { sendMessage: 2 });
  });

  test('a job retried after failing is counted once, by the attempt that finished, with its reason per failed attempt', async () => {
    const handler = jobHandler(countedJob, async (_payload, ctx) => {
      ctx.metrics!.add('payment_refused', 'amount');
      ctx.metrics!.noteReply();
      if (ctx.job.attempts <= 2) throw new TypeError('not yet');
    });
    const runner = new JobRunner({ sql: db.sql, log: testLogger, handlers: [handler], pollIntervalMs: 20, listen: false, backoff: { baseMs: 1, maxMs: 1 } });
    await enqueue(db.sql, countedJob, { failTimes: 2 });
    await runner.start();
    try {
      await waitFor('the job done', async () => (await totals('job_done')).counted === 1, { on: [runner, 'completed'] });
    } finally { await runner.stop(1000); }
    assert.deepEqual(await totals('job_error'), { 'counted:TypeError': 2 });
    assert.deepEqual(await totals('payment_refused'), { amount: 1 });
    const points = await readMetricSeries(db.sql, { metric: 'dm_reply_ms', from: hourAgo(), to: inAMinute() });
    assert.equal(points.reduce((n, p) => n + p.count, 0), 1);
  });
});
