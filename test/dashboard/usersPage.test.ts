import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, withPage } from '../support/launchChromium.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';

describe('dashboard: Users page (Chromium)', () => {
  let dash: DashboardUnderTest;
  let browser: Browser;
  before(async () => {
    [dash, browser] = await Promise.all([startDashboard(), launchChromium()]);
    await dash.db.sql`insert into users (id, username, first_name, points) values
      (501, 'anna_k', 'Anna', 30), (502, 'bob', 'Boris', 5), (503, null, 'Annika', 0)`;
    await dash.db.sql`update users set referred_by = 501 where id in (502, 503)`;
    await dash.db.sql`insert into user_plans (user_id, plan, source, until) values (501, 'pro', 'payment', now() + interval '10 days')`;
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
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
