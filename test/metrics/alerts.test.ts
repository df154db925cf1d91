import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { type EmulatedUser, serverError } from '../../emulator/telegram/index.js';
import { createSql } from '../../shared/db/createSql.js';
import { addMetricCounts } from '../../shared/metrics/addMetricCounts.js';
import { replyTimeBucket } from '../../shared/metrics/replyTimeBuckets.js';
import { type AlertSettings, defaultAlertSettings } from '../../shared/modules/alerts/alertSettings.js';
import { measureAlerts } from '../../shared/modules/alerts/measureAlerts.js';
import { parseAlertSettings } from '../../shared/modules/alerts/parseAlertSettings.js';
import { readAlertStates } from '../../shared/modules/alerts/readAlertStates.js';
import { checkAlertsTask } from '../../worker/periodicTasks.js';
import { schedulePeriodicTasks } from '../../worker/schedulePeriodicTasks.js';
import { startWorker } from '../../worker/startWorker.js';
import { type Stack, startStack } from '../support/startStack.js';
import { testLogger } from '../support/testLogger.js';
import { waitFor } from '../support/waitFor.js';

// The alert rules of seed 004 §10.2: a rule that crosses its threshold messages the admins once,
// once more when it changes level again, and "resolved" when it clears.

let stack: Stack;

before(async () => { stack = await startStack(); });
after(async () => { await stack.stop(); });

describe('the alert check', () => {
  let owner: EmulatedUser;
  let admins: EmulatedUser[];
  let adminIds: number[];
  const alerts = (settings: AlertSettings = defaultAlertSettings) => checkAlertsTask(settings, adminIds);

  before(async () => {
    // Two admins (ADMIN_TELEGRAM_IDS) who started the bot, so that it may write to them; one speaks Russian.
    const team = [stack.telegram.createUser({ first_name: 'Ops', language_code: 'en' }), stack.telegram.createUser({ first_name: 'Дежурный', language_code: 'ru' })];
    for (const a of team) a.sendCommand('/start');
    owner = stack.telegram.createUser({ first_name: 'Poster', language_code: 'en' });
    owner.sendCommand('/start');
    await stack.drained();
    adminIds = team.map((a) => a.id);
    admins = team;
  });
  beforeEach(async () => { await stack.db.sql`delete from alert_states`; await stack.db.sql`delete from posts`; await stack.db.sql`delete from metric_minutes`; });

  const alertsTo = (admin: EmulatedUser) => stack.telegram.messagesIn(admin).filter((m) => /Warning|Critical|Resolved|Предупреждение|Критично|Норма/.test(m.text ?? '')).map((m) => m.text!);
  async function failPosts(n: number) {
    await stack.db.sql`insert into posts (user_id, state, error_reason) select ${owner.id}, 'failed', 'token_invalid' from generate_series(1, ${n})`;
  }
  async function check(settings?: AlertSettings) {
    const result = await alerts(settings).run(stack.db.sql);
    await stack.drained();
    return result;
  }

  test('failed posts crossing 10 an hour warn each admin once, in their language; crossing 50 once more; clearing says resolved once', async () => {
    assert.deepEqual((await check()).changed, 0, 'all rules start ok');
    await failPosts(11);
    assert.equal((await check()).notices, 2);
    assert.deepEqual(alertsTo(admins[0]!), ['⚠️ Warning: Failed posts in the last hour is 11 (warning above 10, critical above 50).']);
    assert.deepEqual(alertsTo(admins[1]!), ['⚠️ Предупреждение: Неудачные публикации за последний час — 11 (предупреждение выше 10, критично выше 50).']);

    await failPosts(1);
    assert.equal((await check()).notices, 0, 'still a warning: no repeat');
    assert.equal(alertsTo(admins[0]!).length, 1);

    await failPosts(40);
    assert.equal((await check()).notices, 2);
    assert.equal(alertsTo(admins[0]!).at(-1), '🚨 Critical: Failed posts in the last hour is 52 (critical above 50).');
    const states = await readAlertStates(stack.db.sql);
    assert.deepEqual(states.map((r) => [r.rule, r.level]), [['error_rate', 'ok'], ['reply_p95', 'ok'], ['queue_length', 'ok'], ['failed_posts', 'critical'], ['payment_failures', 'ok']]);
    assert.equal(states[3]!.value, 52);
    assert.equal((await check()).notices, 0);

    // An hour on, they no longer count.
    await stack.db.sql`update posts set updated_at = now() - interval '61 minutes'`;
    assert.equal((await check()).notices, 2);
    assert.equal(alertsTo(admins[0]!).at(-1), '✅ Resolved: Failed posts in the last hour is back to 0 (warning above 10).');
    assert.equal(alertsTo(admins[1]!).at(-1), '✅ Норма: Неудачные публикации за последний час снова 0 (предупреждение выше 10).');
    assert.equal((await check()).notices, 0);
    assert.equal(alertsTo(admins[0]!).length, 3);
    assert.equal(alertsTo(admins[1]!).length, 3);
  });

  test('replies that fail make the error rate the worker recorded critical: the admins are told', async () => {
    const settings = parseAlertSettings({ ALERT_MIN_EVENTS: '3' });
    const users = ['Uma', 'Vic', 'Wes'].map((first_name) => stack.telegram.createUser({ first_name, language_code: 'en' }));
    // Four 502s fail one attempt of Uma's /start (retryApiCalls tries four times); the retry answers.
    stack.telegram.failNext('sendMessage', serverError(502), { chatId: users[0]!.id, times: 4 });
    for (const u of users) u.sendCommand('/start');
    await stack.drained();
    // 1 failed attempt in 4 (25 %; a periodic task finishing meanwhile would make it 20 %): above 5 %.
    assert.equal((await check(settings)).notices, 2);
    assert.match(alertsTo(admins[0]!).at(-1)!, /^🚨 Critical: Error rate is (25|20) % \(critical above 5 %\)\.$/);
    assert.match(alertsTo(admins[1]!).at(-1)!, /^🚨 Критично: Доля ошибок — (25|20) % \(критично выше 5 %\)\.$/);
  });

  test('thresholds come from the configuration: a queue above ALERT_QUEUE_WARNING warns', async () => {
    const settings = parseAlertSettings({ ALERT_QUEUE_WARNING: '2', ALERT_QUEUE_CRITICAL: '100' });
    // Three jobs nobody runs now: another worker's type, due, but held by a lease-less 'queued'
    // row the in-process worker would claim; so the worker is stopped while they wait.
    await stack.worker!.runner.stop(1000);
    try {
      await stack.db.sql`insert into jobs (type, payload) select 'elsewhere', '{}' from generate_series(1, 3)`;
      const result = await alerts(settings).run(stack.db.sql);
      assert.equal(result.queue_ready, 3);
      assert.equal(result.notices, 2);
      const [state] = await stack.db.sql<{ level: string; value: number }[]>`select level, value from alert_states where rule = 'queue_length'`;
      assert.deepEqual({ ...state }, { level: 'warning', value: 3 });
    } finally {
      await stack.db.sql`delete from jobs where type in ('elsewhere', 'alert_notify')`;
    }
  });
});

describe('what the rules measure', () => {
  beforeEach(async () => { await stack.db.sql`delete from metric_minutes`; await stack.db.sql`delete from posts`; });
  const done = (n: number) => ({ metric: 'job_done', label: 'telegram_update', count: n, sum: 0, max: null });
  const errors = (n: number) => ({ metric: 'job_error', label: 'telegram_update:GrammyError_502', count: n, sum: 0, max: null });

  test('error rate: failed attempts over all attempts in the window, once there are enough of them', async () => {
    await addMetricCounts(stack.db.sql, [done(10), errors(1)]);
    assert.equal((await measureAlerts(stack.db.sql, defaultAlertSettings)).values.error_rate, null, '11 attempts: too few to mean anything');
    await addMetricCounts(stack.db.sql, [done(89)]);
    assert.equal((await measureAlerts(stack.db.sql, defaultAlertSettings)).values.error_rate, 1, '1 of 100 attempts');
    // An hour-old minute is outside the 5-minute window.
    await stack.db.sql`insert into metric_minutes (metric, minute, label, count) values ('job_error', date_trunc('minute', now()) - interval '1 hour', 'x:y', 1000)`;
    assert.equal((await measureAlerts(stack.db.sql, defaultAlertSettings)).values.error_rate, 1);
  });

  test('reply p95 and payment failures', async () => {
    const reply = (ms: number, n: number) => Array.from({ length: n }, () => ({ metric: 'dm_reply_ms', label: replyTimeBucket(ms), count: 1, sum: ms, max: ms }));
    await addMetricCounts(stack.db.sql, [...reply(400, 90), ...reply(6000, 10)]);
    // 17 charges, a renewal that failed, 2 pre-checkout queries refused: 3 failures in 20 payments.
    const [user] = await stack.db.sql<{ id: number }[]>`select id from users limit 1`;
    await stack.db.sql`
      insert into star_payments (charge_id, user_id, plan, kind, amount, payload)
      select 'charge-' || n, ${user!.id}, 'pro', 'subscription', 1450, 'sub:' || n from generate_series(1, 17) n`;
    await stack.db.sql`
      insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at, state)
      values (${user!.id}, 'pro', 'sub:1', 'charge-1', now() + interval '1 day', 'failed')`;
    await addMetricCounts(stack.db.sql, [{ metric: 'payment_refused', label: 'amount', count: 2, sum: 0, max: null }]);
    const { values } = await measureAlerts(stack.db.sql, defaultAlertSettings);
    assert.ok(values.reply_p95! > 5000, `p95 ${values.reply_p95}`);
    assert.equal(values.payment_failures, 15);
  });
});

describe('configuration', () => {
  test('defaults are the seed\'s; a warning above its critical, or a non-number, is refused by name', () => {
    assert.deepEqual(parseAlertSettings({}), defaultAlertSettings);
    assert.throws(() => parseAlertSettings({ ALERT_QUEUE_WARNING: '6000' }), /ALERT_QUEUE_WARNING \(6000\) must not be above ALERT_QUEUE_CRITICAL \(5000\)/);
    assert.throws(() => parseAlertSettings({ ALERT_REPLY_P95_WARNING_MS: 'fast' }), /ALERT_REPLY_P95_WARNING_MS must be a number/);
  });

  test('the check is a periodic task: one replica enqueues each minute\'s tick, ahead of any backlog', async () => {
    const task = checkAlertsTask(defaultAlertSettings, []);
    const other = stack.db.kind === 'server' ? createSql(stack.db.url, { max: 1 }) : stack.db.sql;
    await stack.worker!.runner.stop(1000);
    try {
      const at = Date.now();
      const scheduled = await Promise.all([schedulePeriodicTasks(stack.db.sql, [task], at), schedulePeriodicTasks(other, [task], at)]);
      assert.deepEqual(scheduled.flat(), ['check_alerts']);
      const [job] = await stack.db.sql<{ priority: number }[]>`select priority from jobs where type = 'periodic_task'`;
      assert.equal(job!.priority, -10);
    } finally {
      if (other !== stack.db.sql) await other.end({ timeout: 1 });
      await stack.db.sql`delete from jobs where type = 'periodic_task'`;
    }
  });

  test('a worker given the thresholds runs the check as one of its periodic tasks', async () => {
    // A fresh tick: the test above took this minute's.
    await stack.db.sql`delete from alert_states`;
    await stack.db.sql`delete from periodic_task_runs where task = 'check_alerts'`;
    const worker = await startWorker({
      sql: stack.db.sql, log: testLogger, botToken: stack.telegram.token, apiRoot: stack.telegram.apiRoot,
      alerts: defaultAlertSettings, runner: { listen: false, pollIntervalMs: 50 },
    });
    try {
      await waitFor('the first check', async () => (await stack.db.sql`select 1 from alert_states`).length === 5, { on: [worker.runner, 'completed'] });
    } finally {
      await worker.stop(1000);
    }
    const [run] = await stack.db.sql`select 1 from periodic_task_runs where task = 'check_alerts'`;
    assert.ok(run);
    const samples = await stack.db.sql`select 1 from metric_minutes where metric = 'queue_ready'`;
    assert.equal(samples.length, 1, 'the queue sampled for the charts');
  });
});
