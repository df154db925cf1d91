import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, withPage } from '../support/launchChromium.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';

describe('dashboard: Jobs page (Chromium)', () => {
  let dash: DashboardUnderTest;
  let browser: Browser;
  let ids: { a: number; b: number; c: number; d: number };
  before(async () => {
    [dash, browser] = await Promise.all([startDashboard(), launchChromium()]);
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
  after(async () => {
    await browser?.close();
    await dash?.close();
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
      await page.locator('#status').filter({ hasText: `Replayed 1 job(s): ${ids.a}` }).waitFor();
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
      await page.locator('#status').filter({ hasText: `Replayed 1 job(s): ${ids.c}` }).waitFor();
      const states = await dash.db.sql<{ id: number; state: string }[]>`select id, state from jobs order by id`;
      assert.deepEqual(states.map((r) => r.state), ['queued', 'failed', 'queued', 'queued'], 'b (a telegram_update) is still failed');
      const audit = await dash.db.sql<{ action: string; actor_id: number }[]>`select action, actor_id from audit_log where action like 'job.%' order by id`;
      assert.deepEqual(audit.map((a) => ({ ...a })), [{ action: 'job.replay', actor_id: ADMIN_ID }, { action: 'job.replay', actor_id: ADMIN_ID }]);
    });
  });
});
