import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createSql, type Sql } from '../shared/db/createSql.js';
import { deleteExpiredSessions, deleteOldBulkUploads, deleteOldMetrics, deleteOldPeriodicRuns, deleteOldSeenUpdates, deleteStaleRateLimits, deleteStaleSignInAttempts } from '../worker/maintenance.js';
import { periodicTaskHandler } from '../worker/periodicTaskJob.js';
import { type PeriodicTask, periodicTasks } from '../worker/periodicTasks.js';
import { schedulePeriodicTasks } from '../worker/schedulePeriodicTasks.js';
import { createTestDatabase, type TestDatabase } from './support/testDatabase.js';
import { testLogger } from './support/testLogger.js';

let db: TestDatabase;
before(async () => { db = await createTestDatabase(); });
after(async () => { await db.drop(); });

describe('cleanup tasks', () => {
  test('seen update ids are kept 7 days, then deleted; expired sessions are deleted', async () => {
    await db.sql`
      insert into processed_webhooks (update_id, received_at) values
        (1, now() - interval '8 days'), (2, now() - interval '6 days 23 hours'), (3, now())`;
    await db.sql`
      insert into sessions (key, value, expires_at) values
        ('old', '{}', now() - interval '1 minute'), ('live', '{}', now() + interval '1 hour'), ('forever', '{}', null)`;
    assert.equal(await deleteOldSeenUpdates(db.sql, 1), 1);
    assert.equal(await deleteExpiredSessions(db.sql), 1);
    const seen = await db.sql<{ update_id: number }[]>`select update_id from processed_webhooks order by 1`;
    assert.deepEqual(seen.map((r) => r.update_id), [2, 3]);
    const sessions = await db.sql<{ key: string }[]>`select key from sessions order by 1`;
    assert.deepEqual(sessions.map((r) => r.key), ['forever', 'live']);
  });

  test('rate-limit rows idle for a day are deleted; recent ones and pending notices stay', async () => {
    await db.sql`
      insert into rate_limits (user_id, action, hits, told_until) values
        (1, 'commands', array[now() - interval '2 days']::timestamptz[], null),
        (2, 'commands', array[now() - interval '2 days', now() - interval '1 minute']::timestamptz[], null),
        (3, 'commands', '{}', null),
        (4, 'image_upload', array[now() - interval '2 days']::timestamptz[], now() + interval '1 minute')`;
    assert.equal(await deleteStaleRateLimits(db.sql), 2);
    const left = await db.sql<{ user_id: number }[]>`select user_id from rate_limits order by 1`;
    assert.deepEqual(left.map((r) => r.user_id), [2, 4]);
  });

  test('the dashboard\'s sign-in attempts of an address idle for a day are deleted; one still counting, or locked out, stays', async () => {
    await db.sql`
      insert into dashboard_sign_in_attempts (address, hits, told_until) values
        ('203.0.113.1', array[now() - interval '25 hours']::timestamptz[], now() - interval '24 hours'),
        ('203.0.113.2', '{}', null),
        ('203.0.113.3', array[now() - interval '25 hours', now() - interval '1 minute']::timestamptz[], null),
        ('203.0.113.4', array[now() - interval '25 hours']::timestamptz[], now() + interval '1 minute')`;
    assert.equal(await deleteStaleSignInAttempts(db.sql), 2);
    const left = await db.sql<{ address: string }[]>`select address from dashboard_sign_in_attempts order by 1`;
    assert.deepEqual(left.map((r) => r.address), ['203.0.113.3', '203.0.113.4']);
  });

  test('/bulk uploads a day past their last change are deleted with their photos; the posts they made, and uploads still open or just finished, stay', async () => {
    // One user per upload: a user has at most one collecting upload.
    await db.sql`insert into users (id, first_name) select id, 'Bulk' from generate_series(7001, 7005) id`;
    const [post] = await db.sql<{ id: number }[]>`insert into posts (user_id, state) values (7001, 'scheduled') returning id`;
    // [state, hours since the last change, hours to expires_at]; an upload expires a day after its last change.
    const uploads = {
      'expired while collecting': ['collecting', 25, -1],
      'still collecting': ['collecting', 2, 22],
      'confirmed a day ago': ['scheduled', 25, -2],
      'confirmed an hour ago': ['scheduled', 1, -1],
      'cancelled a day ago': ['cancelled', 30, -10],
    } as const;
    const ids: Record<string, number> = {};
    for (const [i, [name, [state, changed, expires]]] of Object.entries(uploads).entries()) {
      const [row] = await db.sql<{ id: number }[]>`
        insert into bulk_uploads (user_id, state, expires_at, updated_at, created_at)
        values (${7001 + i}, ${state}, now() + ${`${expires} hours`}::interval, now() - ${`${changed} hours`}::interval, now() - ${`${changed + 1} hours`}::interval)
        returning id`;
      ids[name] = row!.id;
      await db.sql`
        insert into bulk_upload_images (bulk_upload_id, position, telegram_file_id, file_unique_id, source_format, width, height, post_id)
        values (${row!.id}, 1, 'file-a', ${`u-${row!.id}-a`}, 'jpeg', 1080, 1080, ${state === 'scheduled' ? post!.id : null}),
               (${row!.id}, 2, 'file-b', ${`u-${row!.id}-b`}, 'jpeg', 1080, 1080, null)`;
    }
    assert.equal(await deleteOldBulkUploads(db.sql, 1), 3);
    const left = await db.sql<{ id: number }[]>`select id from bulk_uploads order by id`;
    assert.deepEqual(left.map((r) => r.id), [ids['still collecting'], ids['confirmed an hour ago']]);
    const photos = await db.sql<{ bulk_upload_id: number }[]>`select distinct bulk_upload_id from bulk_upload_images order by 1`;
    assert.deepEqual(photos.map((r) => r.bulk_upload_id), [ids['still collecting'], ids['confirmed an hour ago']], 'the photos go with their upload');
    assert.equal((await db.sql`select 1 from posts where id = ${post!.id}`).length, 1, 'the post an upload made stays');
    await db.sql`delete from users where id between 7001 and 7005`;
  });

  test('metric rows older than 30 days are deleted, in batches', async () => {
    await db.sql`
      insert into metric_minutes (metric, minute, label, count) values
        ('job_done', now() - interval '31 days', 'a', 1), ('job_done', now() - interval '30 days 1 minute', 'b', 1),
        ('job_done', now() - interval '29 days', 'a', 1)`;
    assert.equal(await deleteOldMetrics(db.sql, 1), 2);
    const left = await db.sql<{ label: string }[]>`select label from metric_minutes`;
    assert.deepEqual(left.map((r) => r.label), ['a']);
    await db.sql`delete from metric_minutes`;
  });

  test('periodic-task records older than a week are deleted', async () => {
    await db.sql`insert into periodic_task_runs (task, tick, scheduled_at) values ('old', 1, now() - interval '8 days'), ('new', 2, now())`;
    assert.equal(await deleteOldPeriodicRuns(db.sql), 1);
    await db.sql`delete from periodic_task_runs`;
  });
});

describe('the periodic-task schedule', () => {
  const HOUR = 3_600_000;
  const at = (ms: number) => 1_800_000_000_000 - (1_800_000_000_000 % HOUR) + ms;
  const jobsFor = async (sql: Sql) => sql<{ task: string; tick: number }[]>`
    select payload->>'task' as task, (payload->>'tick')::bigint as tick from jobs where type = 'periodic_task' order by 1, 2`;

  test('lists each task once, with a period', () => {
    const names = periodicTasks.map((t) => t.name);
    assert.equal(new Set(names).size, names.length);
    assert.ok(periodicTasks.every((t) => t.everyMs > 0));
    assert.deepEqual(names, ['cleanup_seen_updates', 'cleanup_sessions', 'cleanup_rate_limits', 'cleanup_sign_in_attempts', 'cleanup_periodic_runs', 'cleanup_metrics', 'repair_stranded_keys', 'cleanup_bulk_uploads', 'instapost_retention_sweep']);
  });

  test('however many replicas check a tick, each task is enqueued once; after it ran, checking again enqueues nothing; the next tick once more', async () => {
    await db.sql`delete from jobs`;
    // Three replicas, each with its own pool where the server allows (the embedded database has one connection).
    const replicas = db.kind === 'server' ? [createSql(db.url, { max: 2 }), createSql(db.url, { max: 2 }), createSql(db.url, { max: 2 })] : [db.sql, db.sql, db.sql];
    try {
      const first = await Promise.all(replicas.map((sql) => schedulePeriodicTasks(sql, periodicTasks, at(5_000))));
      assert.deepEqual(first.flat().sort(), periodicTasks.map((t) => t.name).sort(), 'each task enqueued by exactly one replica');
      const tick = Math.floor(at(5_000) / HOUR);
      const hourly = periodicTasks.filter((t) => t.everyMs === HOUR).map((t) => t.name);
      assert.deepEqual((await jobsFor(db.sql)).filter((j) => hourly.includes(j.task)).map((j) => j.tick), hourly.map(() => tick));

      // The jobs run and are deleted, as the runner deletes finished jobs; the tick is still on.
      await db.sql`delete from jobs where type = 'periodic_task'`;
      const again = await Promise.all(replicas.map((sql) => schedulePeriodicTasks(sql, periodicTasks, at(HOUR - 1))));
      assert.deepEqual(again.flat(), []);
      assert.equal((await jobsFor(db.sql)).length, 0);

      const next = await Promise.all(replicas.map((sql) => schedulePeriodicTasks(sql, periodicTasks, at(HOUR + 1))));
      assert.deepEqual(next.flat().sort(), ['cleanup_bulk_uploads', 'cleanup_rate_limits', 'cleanup_seen_updates', 'cleanup_sessions', 'cleanup_sign_in_attempts', 'repair_stranded_keys'], 'the daily tasks are not due in the next hour');
    } finally {
      if (db.kind === 'server') await Promise.all(replicas.map((sql) => sql.end({ timeout: 1 })));
      await db.sql`delete from jobs where type = 'periodic_task'`;
      await db.sql`delete from periodic_task_runs`;
    }
  });

  test('a periodic_task job runs its task; a task no longer listed fails for good', async () => {
    let ran = 0;
    const tasks: PeriodicTask[] = [{ name: 'count', everyMs: HOUR, run: async () => ({ ran: ++ran }) }];
    const handler = periodicTaskHandler(tasks);
    const ctx = { sql: db.sql, log: testLogger, signal: new AbortController().signal, job: {} as never };
    await handler.bind({ task: 'count', tick: 1 }).run(ctx);
    assert.equal(ran, 1);
    await assert.rejects(handler.bind({ task: 'gone', tick: 1 }).run(ctx), { name: 'PermanentJobError' });
  });

  test('the pg_cron statement in DEPLOYMENT.md enqueues a tick once, and the worker then finds the tick taken', async () => {
    const doc = await readFile(path.join(import.meta.dirname, '..', 'DEPLOYMENT.md'), 'utf8');
    const statement = /select cron\.schedule\('cleanup_sessions', '[^']+', \$\$([\s\S]+?)\$\$\);/.exec(doc)?.[1];
    assert.ok(statement, 'DEPLOYMENT.md has the pg_cron example');
    await db.sql`delete from jobs where type = 'periodic_task'`;
    await db.sql.unsafe(statement);
    await db.sql.unsafe(statement);
    const jobs = await jobsFor(db.sql);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0]!.task, 'cleanup_sessions');
    const sessions = periodicTasks.filter((t) => t.name === 'cleanup_sessions');
    assert.deepEqual(await schedulePeriodicTasks(db.sql, sessions), []);
    await db.sql`delete from jobs where type = 'periodic_task'`;
    await db.sql`delete from periodic_task_runs`;
  });
});
