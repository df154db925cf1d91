import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TelegramLoginEmulator } from '../../emulator/telegramLogin/index.js';
import { ConfigError } from '../../shared/config/parseEnv.js';
import { limitKeyOf } from '../../shared/dashboard/clientAddress.js';
import { parseDashboardConfig } from '../../shared/dashboard/dashboardConfig.js';
import { renderSignInLimited } from '../../shared/dashboard/renderSignInLimited.js';
import { requestLocale } from '../../shared/dashboard/requestLocale.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard } from '../support/startDashboard.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';

// The sign-in routes' limit per client address, with the default settings (10 per 10 minutes),
// over HTTP as a browser or a script would send it. `proxied` is the dashboard as api/admin.ts
// runs it on Vercel (the address from x-real-ip / x-forwarded-for, which Vercel's edge sets);
// `direct` as `npm start` runs it (the socket's address, the headers not trusted).
describe('dashboard: the sign-in limit per address', () => {
  const DEFAULT = parseDashboardConfig({}).signInLimit;
  let db: TestDatabase;
  let login: TelegramLoginEmulator;
  let proxied: DashboardUnderTest;
  let direct: DashboardUnderTest;
  before(async () => {
    [db, login] = await Promise.all([createTestDatabase(), TelegramLoginEmulator.start()]);
    const oidc = { issuer: login.issuer, clientId: login.clientId, clientSecret: login.clientSecret };
    proxied = await startDashboard({ db, trustProxyHeaders: true, config: { signInLimit: DEFAULT, oidc } });
    direct = await startDashboard({ db, config: { signInLimit: DEFAULT } });
  });
  after(async () => {
    await proxied?.close();
    await direct?.close();
    await login?.close();
    await db?.drop();
  });

  const from = (ip: string) => ({ 'x-real-ip': ip, 'x-forwarded-for': ip });
  const forged = (dash: DashboardUnderTest) => dash.widgetSignInUrl(ADMIN_ID, { token: '654321:not-the-bots-token' });
  const get = (url: string, headers: Record<string, string>) => fetch(url, { redirect: 'manual', headers });
  const sessionCookie = (res: Response) => res.headers.getSetCookie().find((c) => c.startsWith('admin_session='));
  const hitsOf = async (address: string) =>
    (await db.sql<{ n: number }[]>`select cardinality(hits) as n from dashboard_sign_in_attempts where address = ${address}`)[0]?.n ?? 0;

  test('the defaults are 10 attempts per 10 minutes; a window over a day is refused', () => {
    assert.deepEqual(DEFAULT, { attempts: 10, windowMinutes: 10 });
    assert.deepEqual(parseDashboardConfig({ DASHBOARD_SIGN_IN_ATTEMPTS: '3', DASHBOARD_SIGN_IN_WINDOW_MINUTES: '60' }).signInLimit, { attempts: 3, windowMinutes: 60 });
    assert.throws(() => parseDashboardConfig({ DASHBOARD_SIGN_IN_WINDOW_MINUTES: '1441' }), ConfigError);
    assert.throws(() => parseDashboardConfig({ DASHBOARD_SIGN_IN_ATTEMPTS: '0' }), ConfigError);
  });

  test('after ten failed sign-ins from an address, the next request, even an admin\'s good one, gets 429 with Retry-After and nothing else happens', async () => {
    const ip = from('203.0.113.10');
    // An OpenID sign-in started before the lockout (starting one is not an attempt), held at its way back.
    const start = await get(`${proxied.url}/admin/auth/oidc`, ip);
    assert.equal(start.status, 302);
    const oidcCookie = start.headers.getSetCookie().find((c) => c.startsWith('admin_oidc='))!.split(';')[0]!;
    login.consentNext({ id: ADMIN_ID });
    const callback = (await fetch(start.headers.get('location')!, { redirect: 'manual' })).headers.get('location')!;

    for (let i = 1; i <= 10; i++) assert.equal((await get(forged(proxied), ip)).status, 403, `forged sign-in ${i}`);

    const good = proxied.widgetSignInUrl(ADMIN_ID);
    const refused = await get(good, ip);
    assert.equal(refused.status, 429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    assert.ok(retryAfter > 9 * 60 && retryAfter <= 10 * 60, `Retry-After ${retryAfter} s: when the first failure leaves the window`);
    assert.match(refused.headers.get('content-type')!, /text\/html/);
    assert.match(await refused.text(), /Too many sign-in attempts from your address\. Try again in 10 minutes\./);
    assert.equal(sessionCookie(refused), undefined);

    const tokenRequests = login.tokenRequests.length;
    const back = await get(callback, { ...ip, cookie: oidcCookie });
    assert.equal(back.status, 429, 'the OpenID way back');
    assert.equal(sessionCookie(back), undefined);
    assert.equal(login.tokenRequests.length, tokenRequests, 'the code was not exchanged');
    const again = await get(`${proxied.url}/admin/auth/oidc`, ip);
    assert.equal(again.status, 429, 'starting an OpenID sign-in');
    assert.deepEqual(again.headers.getSetCookie(), []);

    assert.equal((await db.sql`select 1 from dashboard_sessions`).length, 0);
    // The good link was not checked, so not used up: it still works once the address may try again.
    assert.equal((await db.sql`select 1 from dashboard_login_hashes where hash = ${new URL(good).searchParams.get('hash')}`).length, 0);
    const audit = await db.sql<{ actor_id: number | null; details: { address: string; attempts: number } }[]>`
      select actor_id, details from audit_log where action = 'dashboard.sign_in_limited'`;
    assert.deepEqual(audit.map((a) => [a.actor_id, a.details.address, a.details.attempts]), [[null, '203.0.113.10', 10]], 'one record for the lockout, not one per refusal');
    assert.equal(await hitsOf('203.0.113.10'), 10, 'refused requests are not counted');

    // Another address is not limited, whichever header Vercel's edge gave it in.
    assert.equal((await get(proxied.widgetSignInUrl(ADMIN_ID), from('203.0.113.11'))).status, 200);
    assert.equal((await get(proxied.widgetSignInUrl(ADMIN_ID), { 'x-forwarded-for': '198.51.100.7, 10.0.0.1' })).status, 200);

    // Ten minutes on (the log moved back instead of waiting), the held link signs the admin in.
    await db.sql`update dashboard_sign_in_attempts set hits = array(select h - interval '10 minutes' from unnest(hits) h) where address = '203.0.113.10'`;
    const later = await get(good, ip);
    assert.equal(later.status, 200);
    assert.ok(sessionCookie(later));
  });

  test('successful sign-ins do not count: after nine failures an admin signs in twelve times, and the tenth failure is still allowed', async () => {
    const ip = from('203.0.113.20');
    for (let i = 0; i < 9; i++) assert.equal((await get(forged(proxied), ip)).status, 403);
    for (let i = 1; i <= 12; i++) assert.equal((await get(proxied.widgetSignInUrl(ADMIN_ID), ip)).status, 200, `sign-in ${i}`);
    assert.equal(await hitsOf('203.0.113.20'), 9);
    // A refusal with a good signature counts too: a Telegram account that is not an admin.
    assert.equal((await get(proxied.widgetSignInUrl(4004), ip)).status, 403);
    assert.equal((await get(forged(proxied), ip)).status, 429);
  });

  test('the window slides: when the oldest failure leaves it, one more attempt is allowed, not ten', async () => {
    const ip = from('203.0.113.30');
    for (let i = 0; i < 10; i++) assert.equal((await get(forged(proxied), ip)).status, 403);
    assert.equal((await get(forged(proxied), ip)).status, 429);
    await db.sql`update dashboard_sign_in_attempts set hits[1] = hits[1] - interval '10 minutes' where address = '203.0.113.30'`;
    assert.equal((await get(forged(proxied), ip)).status, 403);
    assert.equal((await get(forged(proxied), ip)).status, 429);
  });

  test('twenty forged sign-ins at once from one address: ten are checked, ten refused', async () => {
    const ip = from('203.0.113.40');
    const statuses = await Promise.all(Array.from({ length: 20 }, () => get(forged(proxied), ip).then(async (r) => { await r.body?.cancel(); return r.status; })));
    assert.deepEqual([statuses.filter((s) => s === 403).length, statuses.filter((s) => s === 429).length], [10, 10]);
  });

  test('without a proxy in front (npm start), the socket\'s address counts: forwarding headers the client writes change nothing', async () => {
    for (let i = 0; i < 10; i++) assert.equal((await get(forged(direct), from(`192.0.2.${i}`))).status, 403);
    assert.equal((await get(direct.widgetSignInUrl(ADMIN_ID), from('192.0.2.99'))).status, 429);
    assert.equal(await hitsOf('127.0.0.1'), 10);
  });

  test('the 429 page speaks the browser\'s language (Accept-Language): Russian to a Russian browser, English otherwise', async () => {
    const ip = from('203.0.113.50');
    for (let i = 0; i < 10; i++) assert.equal((await get(forged(proxied), ip)).status, 403);
    const pageIn = async (acceptLanguage?: string) => {
      const res = await get(proxied.widgetSignInUrl(ADMIN_ID), { ...ip, ...(acceptLanguage ? { 'accept-language': acceptLanguage } : {}) });
      assert.equal(res.status, 429);
      return { language: res.headers.get('content-language'), html: await res.text() };
    };
    const ru = await pageIn('ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7');
    assert.equal(ru.language, 'ru');
    assert.match(ru.html, /<html lang="ru">/);
    assert.match(ru.html, /Слишком много попыток входа с вашего адреса\. Попробуйте снова через 10 минут\./);
    assert.match(ru.html, />Вернуться ко входу</);
    assert.doesNotMatch(ru.html, /Too many|Back to sign-in/);
    // Weights count, not the order alone; a language the dashboard is not written in is passed over.
    assert.equal((await pageIn('de-DE, en;q=0.3, ru;q=0.8')).language, 'ru');
    for (const header of ['en-GB,en;q=0.9,ru;q=0.5', 'de-DE,fr;q=0.9', undefined]) {
      const en = await pageIn(header);
      assert.equal(en.language, 'en', String(header));
      assert.match(en.html, /<html lang="en">/);
      assert.match(en.html, /Too many sign-in attempts from your address\. Try again in 10 minutes\./);
    }
  });

  test('the 429 page\'s language: by weight, by primary subtag, English by default; minutes in each language\'s plural', () => {
    assert.equal(requestLocale('ru'), 'ru');
    assert.equal(requestLocale('RU-ru'), 'ru');
    assert.equal(requestLocale(['de', 'ru;q=0.5']), 'ru');
    assert.equal(requestLocale('ru;q=0, en'), 'en', 'q=0 means "not this one"');
    assert.equal(requestLocale('en;q=0.5, ru'), 'ru');
    assert.equal(requestLocale('ru;q=0.5, en;q=0.5'), 'ru', 'equal weights: the order written');
    assert.equal(requestLocale('*'), 'en');
    assert.equal(requestLocale(';;,=q'), 'en');
    assert.equal(requestLocale(undefined), 'en');
    const minutes = (locale: 'en' | 'ru', n: number) => /(?:in|через) (\d+ \S+?)\./.exec(renderSignInLimited(locale, n))![1];
    assert.deepEqual([1, 2, 10].map((n) => minutes('en', n)), ['1 minute', '2 minutes', '10 minutes']);
    assert.deepEqual([1, 2, 5, 21].map((n) => minutes('ru', n)), ['1 минуту', '2 минуты', '5 минут', '21 минуту']);
  });

  test('addresses are counted as IPv4, or by their IPv6 /64', () => {
    assert.equal(limitKeyOf('203.0.113.5'), '203.0.113.5');
    assert.equal(limitKeyOf('::ffff:203.0.113.5'), '203.0.113.5');
    assert.equal(limitKeyOf('2001:db8:0:1:aaaa::1'), '2001:db8:0:1::/64');
    assert.equal(limitKeyOf('2001:0DB8:0000:0001:bbbb:cccc:dddd:eeee'), '2001:db8:0:1::/64');
    assert.equal(limitKeyOf('[2001:db8::1]'), '2001:db8:0:0::/64');
    assert.equal(limitKeyOf('::1'), '0:0:0:0::/64');
  });
});
