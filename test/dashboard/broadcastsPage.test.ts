import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, withPage } from '../support/launchChromium.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';

describe('dashboard: Broadcasts page (Chromium)', () => {
  let dash: DashboardUnderTest;
  let browser: Browser;
  let broadcastId: number;
  before(async () => {
    [dash, browser] = await Promise.all([startDashboard(), launchChromium()]);
    const [b] = await dash.db.sql<{ id: number }[]>`
      insert into broadcasts (admin_user_id, admin_chat_id, audience, text, state, started_at)
      values (${ADMIN_ID}, ${ADMIN_ID}, 'users', 'Hello all', 'running', now()) returning id`;
    broadcastId = b!.id;
    await dash.db.sql`insert into broadcast_deliveries (broadcast_id, chat_id, debug_code)
      select ${broadcastId}, 7000 + n, 'b' || n from generate_series(1, 10) n`;
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
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
