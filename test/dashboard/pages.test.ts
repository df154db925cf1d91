import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { InstagramEmulator } from '../../emulator/instagram/index.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { Keyring } from '../../shared/modules/instapost/Keyring.js';
import { launchChromium, needsChromium, withPage } from '../support/launchChromium.js';
import { startFileServer } from '../support/startFileServer.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard, VIEWER_ID } from '../support/startDashboard.js';
import { jpeg } from '../support/testImages.js';

// Every page of the dashboard in Chromium, one test (or two) per page, in one file: one
// browser and one database (a fresh migrated database costs ~12 s on the embedded path, a
// browser under 1 s), emptied before each page's data is laid down.
let dash: DashboardUnderTest;
let browser: Browser;
let instagram: InstagramEmulator;
let files: Awaited<ReturnType<typeof startFileServer>>;
const keyring = Keyring.fromEnv(randomBytes(32).toString('base64'));
let graph: GraphClient;

before(async () => {
  if (needsChromium) return;
  [instagram, files, browser] = await Promise.all([InstagramEmulator.start({ containerProcessingMs: 0 }), startFileServer(), launchChromium()]);
  graph = new GraphClient({ root: instagram.graphRoot });
  dash = await startDashboard({ instagram: { graph, keyring } });
});
after(async () => {
  await browser?.close();
  await dash?.close();
  await instagram?.close();
  await files?.close();
});

/** Empties what the pages show, so each page's test sees only its own rows. */
async function resetDatabase(): Promise<void> {
  await dash.db.sql`truncate users, groups, join_requests, jobs, broadcasts, broadcast_deliveries, posts, instagram_accounts,
    star_payments, star_subscriptions, star_invoices, user_plans, metric_minutes, alert_states, audit_log, dashboard_sessions restart identity cascade`;
}

describe('dashboard: Overview page (Chromium)', { skip: needsChromium }, () => {
  before(async () => {
    await resetDatabase();
    const { sql } = dash.db;
    await sql`insert into users (id, first_name, created_at, last_active_on) values
      (1, 'Old', now() - interval '20 days', current_date - 20),
      (2, 'Week', now() - interval '3 days', current_date - 3),
      (3, 'Today', now(), current_date)`;
    await sql`update users set referred_by = 1 where id = 3`;
    await sql`insert into groups (chat_id, title, type, bot_status, admin_user_id, active, deactivated_at, deactivated_reason) values
      (-100, 'Live group', 'supergroup', 'administrator', 1, true, null, null), (-200, 'Gone group', 'supergroup', 'kicked', null, false, now(), 'bot_kicked')`;
    await sql`insert into jobs (type, payload, state, attempts, max_attempts, last_error, failed_at) values
      ('telegram_update', '{"update_id": 1}', 'failed', 3, 3, 'boom', now()),
      ('telegram_update', '{"update_id": 2}', 'queued', 0, 3, null, null)`;
    // What the worker's metrics recorded: failed attempts by type and reason, this minute.
    await sql`insert into metric_minutes (metric, minute, label, count) values
      ('job_error', date_trunc('minute', now()), 'telegram_update:timeout', 2), ('job_done', date_trunc('minute', now()), 'telegram_update', 5)`;
    // The alert check left the queue rule at warning.
    await sql`insert into alert_states (rule, level, value) values ('queue_length', 'warning', 1500)`;
  });

  test('an admin signs in with the Login Widget and sees the numbers the database holds, refreshed live', async () => {
    await withPage(browser, 'overview', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      const stat = (key: string) => page.locator(`[data-stat="${key}"]`);
      await page.waitForFunction(() => document.body.dataset.refreshed);
      const expected = { 'users.total': '3', 'users.newToday': '1', 'users.new7d': '2', 'users.activeToday': '1', 'users.active7d': '2', 'users.referred': '1', 'groups.active': '1', 'groups.deactivated': '1', 'queue.failed': '1', 'queue.ready': '1' };
      for (const [key, value] of Object.entries(expected)) assert.equal(await stat(key).textContent(), value, key);
      assert.equal(await page.locator('[data-reason="job:telegram_update:timeout"] b').textContent(), '2');
      assert.equal(await page.locator('[data-alert="queue_length"]').textContent(), 'warning (1500)');
      assert.equal(await page.locator('[data-alert="error_rate"]').textContent(), 'ok');
      // A new user arrives: the page shows it without a reload.
      await dash.db.sql`insert into users (id, first_name) values (4, 'New')`;
      await page.waitForFunction(() => document.querySelector('[data-stat="users.total"]')?.textContent === '4');
    });
  });
});

describe('dashboard: Jobs page (Chromium)', { skip: needsChromium }, () => {
  let ids: { a: number; b: number; c: number; d: number };
  before(async () => {
    await resetDatabase();
    const rows = await dash.db.sql<{ id: number; name: string }[]>`
      insert into jobs (type, payload, state, attempts, max_attempts, last_error, failed_at)
      select type, payload::jsonb, state, attempts, 3, last_error, failed_at from (values
        ('a', 'telegram_update', '{"update_id": 501, "text": "hello"}', 'failed', 3, 'Bad Request: chat not found', now()),
        ('b', 'telegram_update', '{"update_id": 502, "text": "=cmd()"}', 'failed', 3, 'timeout', now()),
        ('c', 'broadcast_send', '{"broadcastId": 7}', 'failed', 3, '429: Too Many Requests', now()),
        ('d', 'telegram_update', '{"update_id": 503}', 'queued', 0, null, null)
      ) v(name, type, payload, state, attempts, last_error, failed_at)
      returning id, (payload->>'update_id') as name`;
    ids = { a: rows[0]!.id, b: rows[1]!.id, c: rows[2]!.id, d: rows[3]!.id };
  });

  test('failed jobs with their errors, filtered and searched; replaying one queues it; the CSV is exactly what the filters show', async () => {
    await withPage(browser, 'jobs', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/jobs`);
      await page.locator('tbody tr').first().waitFor();
      assert.equal(await page.locator('tbody tr').count(), 4);

      await page.selectOption('select[name="state"]', 'failed');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 3);
      assert.equal(await page.locator(`tr[data-id="${ids.a}"] td[data-col="last_error"]`).textContent(), 'Bad Request: chat not found');
      await page.waitForFunction(() => Array.from(document.querySelectorAll('select[name="type"] option')).some((o) => o.textContent === 'broadcast_send'));
      await page.selectOption('select[name="type"]', 'telegram_update');
      await page.fill('input[name="q"]', 'hello');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
      assert.equal(await page.locator('tbody tr').getAttribute('data-id'), String(ids.a));
      assert.match(page.url(), /state=failed/, 'the filters are in the address');

      // The CSV of these filters: the one row shown, not the whole table.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = await readFile((await download.path())!, 'utf8');
      const lines = csv.trim().split('\r\n');
      assert.equal(lines.length, 2, csv);
      assert.match(lines[0]!, /^ID,Type,State,Attempts/);
      assert.match(lines[1]!, new RegExp(`^${ids.a},telegram_update,failed,3,`));

      page.on('dialog', (d) => void d.accept());
      await page.click(`tr[data-id="${ids.a}"] button.replay`);
      await page.locator('#status').filter({ hasText: `Replayed 1 job: ${ids.a}` }).waitFor();
      const [row] = await dash.db.sql<{ state: string; attempts: number }[]>`select state, attempts from jobs where id = ${ids.a}`;
      assert.deepEqual({ ...row }, { state: 'queued', attempts: 0 });
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 0);
    });
  });

  test('"replay all failed matching" replays the failed jobs the filters match, and no other', async () => {
    await withPage(browser, 'jobs-bulk', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/jobs?type=broadcast_send`);
      await page.locator(`tr[data-id="${ids.c}"]`).waitFor();
      page.on('dialog', (d) => void d.accept());
      await page.click('#replay-all');
      await page.locator('#status').filter({ hasText: `Replayed 1 job: ${ids.c}` }).waitFor();
      const states = await dash.db.sql<{ id: number; state: string }[]>`select id, state from jobs order by id`;
      assert.deepEqual(states.map((r) => r.state), ['queued', 'failed', 'queued', 'queued'], 'b (a telegram_update) is still failed');
      const audit = await dash.db.sql<{ action: string; actor_id: number }[]>`select action, actor_id from audit_log where action like 'job.%' order by id`;
      assert.deepEqual(audit.map((a) => ({ ...a })), [{ action: 'job.replay', actor_id: ADMIN_ID }, { action: 'job.replay', actor_id: ADMIN_ID }]);
    });
  });
  test('a viewer sees the failed jobs and no button that would change them', async () => {
    await withPage(browser, 'jobs-viewer', async (page) => {
      await page.goto(dash.widgetSignInUrl(VIEWER_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/jobs?state=failed`);
      await page.locator(`tr[data-id="${ids.b}"]`).waitFor();
      assert.equal(await page.locator('button.replay, button.discard, #replay-all, #discard-all').count(), 0);
      assert.equal(await page.locator('#csv').count(), 1, 'the CSV is reading, so a viewer has it');
    });
  });
});

describe('dashboard: Users page (Chromium)', { skip: needsChromium }, () => {
  before(async () => {
    await resetDatabase();
    await dash.db.sql`insert into users (id, username, first_name, points) values
      (501, 'anna_k', 'Anna', 30), (502, 'bob', 'Boris', 5), (503, null, 'Annika', 0)`;
    await dash.db.sql`update users set referred_by = 501 where id in (502, 503)`;
    await dash.db.sql`insert into user_plans (user_id, plan, source, until) values (501, 'pro', 'payment', now() + interval '10 days')`;
  });

  test('search by @username, id and name; plan, points and referrals as stored; ban and unban; the CSV of the search', async () => {
    await withPage(browser, 'users', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/users`);
      await page.locator('tr[data-id="501"]').waitFor();
      const cell = (id: number, col: string) => page.locator(`tr[data-id="${id}"] td[data-col="${col}"]`).textContent();
      assert.equal(await cell(501, 'plan'), 'pro');
      assert.equal(await cell(501, 'points'), '30');
      assert.equal(await cell(501, 'referrals'), '2');
      assert.equal(await cell(502, 'plan'), 'free');

      const rows = () => page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')));
      await page.fill('input[name="q"]', '@Anna_K');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
      assert.deepEqual(await rows(), ['501']);
      await page.fill('input[name="q"]', '502');
      await page.waitForFunction(() => document.querySelector('tbody tr')?.getAttribute('data-id') === '502');
      await page.fill('input[name="q"]', 'ann');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 2);
      assert.deepEqual((await rows()).sort(), ['501', '503']);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
      assert.deepEqual(csv.slice(1).map((l) => l.split(',')[0]).sort(), ['501', '503']);

      page.on('dialog', (d) => void (d.type() === 'prompt' ? d.accept('spam') : d.accept()));
      await page.click('tr[data-id="503"] button.ban');
      await page.locator('#status').filter({ hasText: 'banned' }).waitFor();
      const [banned] = await dash.db.sql<{ banned_by: number; ban_reason: string }[]>`select banned_by, ban_reason from users where id = 503`;
      assert.deepEqual({ ...banned }, { banned_by: ADMIN_ID, ban_reason: 'spam' });
      await page.locator('tr[data-id="503"] button.unban').click();
      await page.locator('#status').filter({ hasText: 'unbanned' }).waitFor();
      assert.equal((await dash.db.sql`select 1 from users where id = 503 and banned_at is null`).length, 1);
      const audit = await dash.db.sql<{ action: string }[]>`select action from audit_log where subject_user_id = 503 order by id`;
      assert.deepEqual(audit.map((a) => a.action), ['user.ban', 'user.unban']);
    });
  });

  test('on a phone the page fits the screen: no sideways scrolling, rows become stacked lines', async () => {
    await withPage(browser, 'users-phone', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/users`);
      await page.locator('tr[data-id="501"]').waitFor();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `the page is ${overflow}px wider than the phone`);
      assert.equal(await page.locator('thead').evaluate((el) => getComputedStyle(el).display), 'none');
    }, { viewport: { width: 375, height: 740 } });
  });
});

describe('dashboard: Broadcasts page (Chromium)', { skip: needsChromium }, () => {
  let broadcastId: number;
  before(async () => {
    await resetDatabase();
    const [b] = await dash.db.sql<{ id: number }[]>`
      insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
      values (${ADMIN_ID}, ${ADMIN_ID}, 'users', 'Hello all', 'running', now()) returning id`;
    broadcastId = b!.id;
    await dash.db.sql`insert into broadcast_deliveries (broadcast_id, chat_id, debug_code)
      select ${broadcastId}, 7000 + n, 'b' || n from generate_series(1, 10) n`;
  });

  test('a running broadcast\'s progress moves as deliveries settle, failures by reason and unknown outcomes shown; Stop cancels what is pending', async () => {
    await withPage(browser, 'broadcasts', async (page) => {
      await page.goto(dash.widgetSignInUrl(ADMIN_ID));
      await page.waitForURL(`${dash.url}/admin`);
      await page.goto(`${dash.url}/admin/broadcasts`);
      const card = page.locator(`.broadcast[data-id="${broadcastId}"]`);
      const n = (what: string) => card.locator(`[data-n="${what}"]`).textContent();
      await card.waitFor();
      assert.equal(await n('sent'), '0');
      assert.equal(await n('pending'), '10');

      // The sender settles some deliveries; the page follows without a reload.
      const { sql } = dash.db;
      await sql`update broadcast_deliveries set state = 'sent' where broadcast_id = ${broadcastId} and chat_id between 7001 and 7004`;
      await sql`update broadcast_deliveries set state = 'failed', failure_reason = 'blocked' where broadcast_id = ${broadcastId} and chat_id in (7005, 7006)`;
      await sql`update broadcast_deliveries set state = 'unknown' where broadcast_id = ${broadcastId} and chat_id = 7007`;
      await page.waitForFunction((id) => document.querySelector(`.broadcast[data-id="${id}"] [data-n="sent"]`)?.textContent === '4', broadcastId);
      assert.equal(await n('failed'), '2');
      assert.equal(await n('unknown'), '1');
      assert.equal(await n('pending'), '3');
      assert.equal(await card.locator('progress').getAttribute('value'), '7');
      assert.equal(await card.locator('.reasons li').textContent(), 'blocked: 2');

      page.on('dialog', (d) => void d.accept());
      await card.locator('button.stop').click();
      await page.locator('#status').filter({ hasText: `Broadcast ${broadcastId} stopped` }).waitFor();
      const states = await sql<{ state: string; n: number }[]>`
        select state, count(*)::int as n from broadcast_deliveries where broadcast_id = ${broadcastId} group by state order by state`;
      assert.deepEqual(states.map((s) => [s.state, s.n]), [['cancelled', 3], ['failed', 2], ['sent', 4], ['unknown', 1]]);
      assert.equal((await sql<{ state: string }[]>`select state from broadcasts where id = ${broadcastId}`)[0]!.state, 'cancelled');
      assert.equal((await sql`select 1 from audit_log where action = 'broadcast.stop' and actor_id = ${ADMIN_ID}`).length, 1);
    });
  });
});

describe('dashboard: Groups, Posts and Payments pages (Chromium)', { skip: needsChromium }, () => {
  before(async () => {
    await resetDatabase();
    await dash.db.sql`insert into users (id, username, first_name) values (601, 'poster', 'Poe'), (602, 'payer', 'Pat')`;
  });

  const signIn = async (page: import('playwright-core').Page) => {
    await page.goto(dash.widgetSignInUrl(ADMIN_ID));
    await page.waitForURL(`${dash.url}/admin`);
  };

  test('Groups: active and deactivated groups with the reason and when, join requests per group', async () => {
    const { sql } = dash.db;
    await sql`insert into groups (chat_id, title, type, bot_status, admin_user_id, active, deactivated_at, deactivated_reason) values
      (-1001, 'Live group', 'supergroup', 'administrator', 601, true, null, null),
      (-1002, 'Gone group', 'supergroup', 'kicked', null, false, now() - interval '1 hour', 'bot_kicked')`;
    await sql`insert into join_requests (chat_id, user_id, user_chat_id, requested_at, outcome) values
      (-1001, 701, 701, now(), 'approved'), (-1001, 702, 702, now(), 'approved'), (-1001, 703, 703, now(), 'failed'), (-1002, 704, 704, now(), 'ignored')`;
    await withPage(browser, 'groups', async (page) => {
      await signIn(page);
      await page.goto(`${dash.url}/admin/groups`);
      await page.locator('tbody tr').nth(1).waitFor();
      const row = (title: string) => page.locator('tbody tr', { hasText: title });
      const cell = (title: string, col: string) => row(title).locator(`td[data-col="${col}"]`).textContent();
      assert.equal(await cell('Live group', 'join_requests'), '3');
      assert.equal(await cell('Live group', 'join_requests_approved'), '2');
      assert.equal(await cell('Live group', 'join_requests_failed'), '1');
      assert.equal(await cell('Gone group', 'deactivated_reason'), 'bot_kicked');
      assert.notEqual(await cell('Gone group', 'deactivated_at'), '');
      await page.selectOption('select[name="status"]', 'deactivated');
      await page.waitForFunction(() => document.querySelectorAll('tbody tr').length === 1);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
      assert.equal(csv.length, 2);
      assert.match(csv[1]!, /Gone group/);
    });
  });

  test('Posts: the timeline with container and media ids; "check status" finds a post Graph published and corrects it', async () => {
    const account = instagram.createAccount({ username: 'studio', name: 'Studio' });
    const saved = await saveAccount(dash.db.sql, keyring, 601, { igUserId: account.igUserId!, pageId: account.pageId, username: 'studio', followersCount: 10 }, account.pageToken, { maxAccounts: null });
    assert.equal(saved.status, 'connected');
    const accountId = (saved as { id: number }).id;
    // The publisher created the container and called media_publish, whose answer was lost: the
    // post is live on Instagram, but the record still says publishing.
    const imageUrl = files.put('/a.jpg', { body: await jpeg(1080, 1080) });
    const containerId = await graph.createImageContainer(account.igUserId!, account.pageToken, { imageUrl, caption: 'Hello' });
    assert.equal((await graph.getContainer(containerId, account.pageToken)).statusCode, 'FINISHED');
    await graph.publish(account.igUserId!, account.pageToken, containerId);
    const [post] = await dash.db.sql<{ id: number }[]>`
      insert into posts (user_id, account_id, state, caption, scheduled_at, container_id, version)
      values (601, ${accountId}, 'publishing', 'Hello', now() - interval '5 minutes', ${containerId}, 1) returning id`;
    await withPage(browser, 'posts', async (page) => {
      await signIn(page);
      await page.goto(`${dash.url}/admin/posts`);
      const card = page.locator(`.post[data-id="${post!.id}"]`);
      await card.waitFor();
      assert.equal(await card.getAttribute('data-state'), 'publishing');
      assert.match(await card.textContent() ?? '', new RegExp(containerId));
      await card.locator('button.check').click();
      await page.locator('#status').filter({ hasText: `Post ${post!.id}: Graph says PUBLISHED` }).waitFor();
      await page.waitForFunction((id) => document.querySelector(`.post[data-id="${id}"]`)?.getAttribute('data-state') === 'published', post!.id);
      const [row] = await dash.db.sql<{ state: string; published_at: Date | null }[]>`select state, published_at from posts where id = ${post!.id}`;
      assert.equal(row!.state, 'published');
      assert.ok(row!.published_at);
      // Pressed again: nothing more to correct.
      await card.locator('button.check').click();
      await page.locator('#status').filter({ hasText: 'record unchanged' }).waitFor();
      assert.equal((await dash.db.sql`select 1 from audit_log where action = 'post.check_status'`).length, 2);
      assert.equal(instagram.publishedPosts.length, 1, 'checking never publishes');
    });
  });

  test('Payments: Star transactions with refunds, subscriptions ending soon, and the Overview\'s revenue', async () => {
    const { sql } = dash.db;
    await sql`insert into star_payments (charge_id, user_id, plan, kind, amount, payload, created_at, refunded_at, refund_source) values
      ('ch-1', 602, 'pro', 'subscription', 1450, 'p1', now() - interval '40 days', null, null),
      ('ch-2', 602, 'pro', 'subscription', 1450, 'p1', now() - interval '10 days', null, null),
      ('ch-3', 601, 'basic', 'annual', 450, 'p2', now() - interval '2 days', now(), 'admin')`;
    await sql`insert into star_subscriptions (user_id, plan, payload, first_charge_id, expires_at, state) values
      (602, 'pro', 'p1', 'ch-1', now() + interval '3 days', 'canceled'), (601, 'basic', 'p3', 'ch-9', now() + interval '20 days', 'active')`;
    await withPage(browser, 'payments', async (page) => {
      await signIn(page);
      await page.waitForFunction(() => document.querySelector('[data-stat="payments.stars"]')?.textContent === '2,900');
      assert.equal(await page.locator('[data-stat="payments.stars30d"]').textContent(), '1,450');
      assert.equal(await page.locator('[data-stat="payments.refunds"]').textContent(), '1');
      await page.goto(`${dash.url}/admin/payments`);
      await page.locator('#table tbody tr').nth(2).waitFor();
      await page.locator('#ending tbody tr').first().waitFor();
      assert.equal(await page.locator('#table tbody tr').count(), 3);
      assert.equal(await page.locator('#ending tbody tr').count(), 1, 'only the subscription ending within 7 days');
      assert.equal(await page.locator('#ending td[data-col="state"]').textContent(), 'canceled');
      await page.selectOption('select[name="only"]', 'refunded');
      await page.waitForFunction(() => document.querySelectorAll('#table tbody tr').length === 1);
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
      const csv = (await readFile((await download.path())!, 'utf8')).trim().split('\r\n');
      assert.equal(csv.length, 2);
      assert.match(csv[1]!, /^ch-3,/);
    });
  });
});
