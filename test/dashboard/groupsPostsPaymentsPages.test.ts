import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { InstagramEmulator } from '../../emulator/instagram/index.js';
import { GraphClient } from '../../shared/modules/instapost/GraphClient.js';
import { saveAccount } from '../../shared/modules/instapost/instagramAccounts.js';
import { Keyring } from '../../shared/modules/instapost/Keyring.js';
import { launchChromium, withPage } from '../support/launchChromium.js';
import { startFileServer } from '../support/startFileServer.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';
import { jpeg } from '../support/testImages.js';

// Three pages in one file, one browser: each browser file costs a Chromium and a database.
describe('dashboard: Groups, Posts and Payments pages (Chromium)', () => {
  let dash: DashboardUnderTest;
  let browser: Browser;
  let instagram: InstagramEmulator;
  let files: Awaited<ReturnType<typeof startFileServer>>;
  const keyring = Keyring.fromEnv(randomBytes(32).toString('base64'));
  let graph: GraphClient;

  before(async () => {
    [instagram, files, browser] = await Promise.all([InstagramEmulator.start({ containerProcessingMs: 0 }), startFileServer(), launchChromium()]);
    graph = new GraphClient({ root: instagram.graphRoot });
    dash = await startDashboard({ instagram: { graph, keyring } });
    await dash.db.sql`insert into users (id, username, first_name) values (601, 'poster', 'Poe'), (602, 'payer', 'Pat')`;
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
    await instagram?.close();
    await files?.close();
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
