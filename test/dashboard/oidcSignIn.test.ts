import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { type LoginConsent, TelegramLoginEmulator } from '../../emulator/telegramLogin/index.js';
import { launchChromium, needsChromium, withPage } from '../support/launchChromium.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard, VIEWER_ID } from '../support/startDashboard.js';

// "Log In With Telegram" (OpenID Connect, code + PKCE) against the emulated provider, whose
// JWKS carries the ES256K key that breaks go-jose clients (reference §4): jose must skip it.
describe('dashboard: Log In With Telegram (OpenID Connect)', () => {
  let login: TelegramLoginEmulator;
  let dash: DashboardUnderTest;
  let browser: Browser | undefined;
  before(async () => {
    [login, browser] = await Promise.all([TelegramLoginEmulator.start(), needsChromium ? undefined : launchChromium()]);
    dash = await startDashboard({ config: { oidc: { issuer: login.issuer, clientId: login.clientId, clientSecret: login.clientSecret } } });
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
    await login?.close();
  });

  /** The whole redirect dance over HTTP; `tamper` changes the way back before it reaches the dashboard. */
  async function signIn(consent: LoginConsent | undefined, tamper: { state?: string; dropCookie?: boolean } = {}): Promise<Response> {
    const start = await fetch(`${dash.url}/admin/auth/oidc`, { redirect: 'manual' });
    assert.equal(start.status, 302);
    const cookie = start.headers.getSetCookie().find((c) => c.startsWith('admin_oidc='))!;
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Lax/, 'the way back is a cross-site navigation');
    const auth = new URL(start.headers.get('location')!);
    assert.equal(auth.origin, login.issuer);
    assert.equal(auth.searchParams.get('code_challenge_method'), 'S256');
    if (consent) login.consentNext(consent);
    const back = await fetch(auth, { redirect: 'manual' });
    assert.equal(back.status, 302);
    const callback = new URL(back.headers.get('location')!);
    assert.equal(callback.origin + callback.pathname, `${dash.url}/admin/auth/oidc/callback`);
    if (tamper.state) callback.searchParams.set('state', tamper.state);
    return fetch(callback, { redirect: 'manual', headers: tamper.dropCookie ? {} : { cookie: cookie.split(';')[0]! } });
  }
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('admin_session='))?.split(';')[0];

  test('an admin signs in: the code is exchanged with PKCE, the ID token verified against the JWKS, a session starts', async () => {
    const res = await signIn({ id: ADMIN_ID, name: 'Ada' });
    assert.equal(res.status, 200, await res.clone().text());
    const me = await fetch(`${dash.url}/admin/api/session`, { headers: { cookie: sessionCookie(res)! } });
    assert.deepEqual(await me.json(), { userId: ADMIN_ID, role: 'admin' });
    const viewer = await signIn({ id: VIEWER_ID });
    assert.deepEqual(await (await fetch(`${dash.url}/admin/api/session`, { headers: { cookie: sessionCookie(viewer)! } })).json(), { userId: VIEWER_ID, role: 'viewer' });
    const audit = await dash.db.sql<{ actor_id: number; details: { method: string } }[]>`select actor_id, details from audit_log where action = 'dashboard.sign_in' order by id`;
    assert.deepEqual(audit.map((a) => [a.actor_id, a.details.method]), [[ADMIN_ID, 'oidc'], [VIEWER_ID, 'oidc']]);
  });

  test('refused: a non-admin, a declined consent, a forged, foreign or expired token, a wrong state or no state cookie', async () => {
    const now = Math.floor(Date.now() / 1000);
    const cases: [string, LoginConsent | undefined, { state?: string; dropCookie?: boolean }?][] = [
      ['not an admin', { id: 4242 }],
      ['declined in Telegram', undefined],
      ['signed with a key the JWKS does not have', { id: ADMIN_ID, unknownKey: true }],
      ['for another client (aud)', { id: ADMIN_ID, claims: { aud: 'someone-else' } }],
      ['from another issuer', { id: ADMIN_ID, claims: { iss: 'https://evil.example' } }],
      ['expired', { id: ADMIN_ID, claims: { iat: now - 7200, exp: now - 3600 } }],
      ['for another sign-in (nonce)', { id: ADMIN_ID, claims: { nonce: 'not-ours' } }],
      ['without a Telegram id', { id: ADMIN_ID, claims: { id: undefined } }],
      ['a state that is not ours', { id: ADMIN_ID }, { state: 'forged' }],
      ['no state cookie (started elsewhere)', { id: ADMIN_ID }, { dropCookie: true }],
    ];
    for (const [what, consent, tamper] of cases) {
      const res = await signIn(consent, tamper);
      assert.equal(res.status, 403, what);
      assert.equal(sessionCookie(res), undefined, `${what}: no session`);
    }
    assert.equal((await dash.db.sql`select 1 from dashboard_sessions where method = 'oidc' and user_id not in (${ADMIN_ID}, ${VIEWER_ID})`).length, 0);
  });

  test('in Chromium: the sign-in page\'s button goes to Telegram (another site) and back, and the dashboard opens', { skip: needsChromium }, async () => {
    await withPage(browser!, 'oidc', async (page) => {
      login.consentNext({ id: ADMIN_ID, name: 'Ada' });
      await page.goto(`${dash.url}/admin/jobs`);
      await page.waitForURL(`${dash.url}/admin/sign-in`);
      await page.click('#oidc-sign-in');
      // Back from the provider's site, the Strict cookie is sent once a page of ours navigates.
      await page.waitForURL(`${dash.url}/admin`);
      await page.waitForFunction(() => document.body.dataset.refreshed);
      assert.equal(await page.locator('.who').textContent(), `${ADMIN_ID} · adminSign out`);
    });
  });
});
