import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, withPage } from '../support/launchChromium.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';

describe('dashboard: Overview page (Chromium)', () => {
  let dash: DashboardUnderTest;
  let browser: Browser;
  before(async () => {
    [dash, browser] = await Promise.all([startDashboard(), launchChromium()]);
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
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
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
      // A new user arrives: the page shows it without a reload.
      await dash.db.sql`insert into users (id, first_name) values (4, 'New')`;
      await page.waitForFunction(() => document.querySelector('[data-stat="users.total"]')?.textContent === '4');
    });
  });
});
