import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium, needsChromium, withPage } from '../support/launchChromium.js';
import { postAsPage, signInForTest } from '../support/dashboardClient.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard, VIEWER_ID } from '../support/startDashboard.js';

// The dashboard in the admin's language: the bot's language for them (users.locale, else
// Telegram's language_code), else the browser's (Accept-Language), else English; the EN/RU
// switch's cookie over all of them. Over HTTP as the server renders it, and in Chromium.
describe('dashboard: English and Russian', () => {
  /** An admin the bot knows nothing about the language of; and one who chose English in /settings though Telegram says ru. */
  const UNKNOWN_LANGUAGE = 3003;
  const CHOSE_ENGLISH = 3004;
  let dash: DashboardUnderTest;
  let browser: Browser | undefined;
  before(async () => {
    // OpenID configured with a provider nobody answers at: only a refusal before any call to it is used here.
    dash = await startDashboard({ config: { oidc: { issuer: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's' } } });
    await dash.db.sql`insert into users (id, first_name, username, language_code, locale, is_admin, created_at) values
      (${ADMIN_ID}, 'Иван', 'ivan', 'ru', null, false, '2026-11-05T14:30:00Z'),
      (${UNKNOWN_LANGUAGE}, 'Anon', null, null, null, true, now()),
      (${CHOSE_ENGLISH}, 'Пётр', null, 'ru', 'en', true, now())`;
    if (!needsChromium) browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await dash?.close();
  });

  const page = async (path: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${dash.url}${path}`, { redirect: 'manual', headers });
    return { status: res.status, language: res.headers.get('content-language'), html: await res.text() };
  };

  test('an admin whose Telegram language is Russian gets every page\'s frame in Russian: menu, heading, sign-out, the scripts\' texts, the column headings and the CSV', async () => {
    const { cookie } = await signInForTest(dash, ADMIN_ID);
    const users = await page('/admin/users', { cookie, 'accept-language': 'en-US,en' });
    assert.equal(users.language, 'ru', 'the admin\'s language wins over the browser\'s');
    assert.match(users.html, /<html lang="ru">/);
    for (const text of ['>Обзор</a>', '>Пользователи</a>', '>Платежи</a>', '<h1>Пользователи</h1>', '>Выйти</button>', '· админ', 'Загрузка…', '<title>Пользователи · Админка</title>']) {
      assert.ok(users.html.includes(text), text);
    }
    assert.doesNotMatch(users.html, />Overview<|Sign out|Loading/);
    const texts = JSON.parse(/<script type="application\/json" id="dashboard-texts">(.*?)<\/script>/s.exec(users.html)![1]!) as Record<string, unknown>;
    assert.equal(texts.csv, 'Скачать CSV');
    assert.deepEqual(texts['jobs.replayed'], { one: 'Повторена {n} задача{list}', few: 'Повторены {n} задачи{list}', many: 'Повторено {n} задач{list}', other: 'Повторено {n} задачи{list}' });

    const api = await (await fetch(`${dash.url}/admin/api/users`, { headers: { cookie } })).json() as { columns: { key: string; label: string }[] };
    assert.deepEqual(api.columns.slice(0, 4), [{ key: 'id', label: 'ID' }, { key: 'username', label: 'Имя пользователя' }, { key: 'first_name', label: 'Имя' }, { key: 'created_at', label: 'Пришёл' }]);
    const csv = await (await fetch(`${dash.url}/admin/api/users?format=csv`, { headers: { cookie } })).text();
    assert.match(csv, /^ID,Имя пользователя,Имя,Пришёл,/);
  });

  test('the language when the bot does not know the admin\'s: the browser\'s, else English; a language chosen in the bot\'s /settings wins over Telegram\'s', async () => {
    const unknown = (await signInForTest(dash, UNKNOWN_LANGUAGE)).cookie;
    assert.match((await page('/admin', { cookie: unknown, 'accept-language': 'ru-RU,ru;q=0.9' })).html, /<h1>Обзор<\/h1>/);
    assert.match((await page('/admin', { cookie: unknown })).html, /<h1>Overview<\/h1>/);
    const viewer = (await signInForTest(dash, VIEWER_ID)).cookie;
    assert.match((await page('/admin/jobs', { cookie: viewer, 'accept-language': 'de' })).html, /<h1>Jobs<\/h1>/);
    const chose = await page('/admin', { cookie: (await signInForTest(dash, CHOSE_ENGLISH)).cookie, 'accept-language': 'ru' });
    assert.equal(chose.language, 'en');
    assert.match(chose.html, /<html lang="en">.*>Overview<\/a>.*>Sign out</s);
  });

  test('the EN/RU switch sets a cookie that wins over the admin\'s and the browser\'s language, and comes back to a dashboard page only', async () => {
    const { cookie } = await signInForTest(dash, ADMIN_ID);
    const users = await page('/admin/users', { cookie });
    assert.match(users.html, /<a lang="en" hreflang="en" href="\/admin\/language\?to=en&amp;back=%2Fadmin%2Fusers">EN<\/a>/);
    const res = await fetch(`${dash.url}/admin/language?to=en&back=/admin/users`, { redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), '/admin/users');
    const langCookie = res.headers.getSetCookie().find((c) => c.startsWith('admin_lang='))!;
    assert.match(langCookie, /^admin_lang=en; .*Path=\/admin/);
    const english = await page('/admin/users', { cookie: `${cookie}; ${langCookie.split(';')[0]}`, 'accept-language': 'ru' });
    assert.match(english.html, /<h1>Users<\/h1>/);
    assert.match((await page('/admin/sign-in', { cookie: 'admin_lang=ru', 'accept-language': 'en' })).html, /<h1>Панель администратора<\/h1>/);
    for (const back of ['//evil.example/x', 'https://evil.example/', '/admin/../x', '']) {
      const away = await fetch(`${dash.url}/admin/language?to=ru&back=${encodeURIComponent(back)}`, { redirect: 'manual' });
      assert.equal(away.headers.get('location'), '/admin', back);
    }
    assert.equal((await fetch(`${dash.url}/admin/language?to=de`, { redirect: 'manual' })).status, 400);
  });

  test('the API\'s refusals carry a message in the request\'s language beside the English error scripts rely on', async () => {
    const viewer = await signInForTest(dash, VIEWER_ID);
    const refused = async (headers: Record<string, string>) => (await postAsPage(dash, '/admin/api/jobs/replay', viewer, { ids: [1] }, headers)).json();
    assert.deepEqual(await refused({ 'accept-language': 'ru' }), { error: 'viewers cannot change anything', message: 'Наблюдатели не могут ничего менять.' });
    assert.deepEqual(await refused({}), { error: 'viewers cannot change anything', message: 'Viewers cannot change anything.' });
    // The page's own language (api.js sends it) over the browser's.
    assert.equal((await refused({ 'x-dashboard-language': 'ru', 'accept-language': 'en' }) as { message: string }).message, 'Наблюдатели не могут ничего менять.');
    const admin = await signInForTest(dash, ADMIN_ID);
    const res = await postAsPage(dash, '/admin/api/jobs/replay', admin, 'not an object', { 'accept-language': 'ru' });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: 'give ids or a filter', message: 'Запрос не понят (give ids or a filter).' });
  });

  test('before sign-in the browser\'s language: the sign-in page and every refusal (Login Widget and OpenID) in Russian to a Russian browser', async () => {
    const ru = { 'accept-language': 'ru-RU,ru;q=0.9,en;q=0.5' };
    const signIn = await page('/admin/sign-in', ru);
    assert.equal(signIn.language, 'ru');
    for (const text of ['<title>Вход · Админка</title>', '<h1>Панель администратора</h1>', 'Войдите с аккаунтом Telegram администратора.', '>Войти через Telegram</a>']) assert.ok(signIn.html.includes(text), text);
    assert.match((await page('/admin/sign-in')).html, /<h1>Admin dashboard<\/h1>.*Log in with Telegram/s);

    /** A Login Widget link as a path on the dashboard (page() adds the origin). */
    const signInPath = (url: string) => url.slice(dash.url.length);
    const forged = await page(signInPath(dash.widgetSignInUrl(ADMIN_ID, { token: '654321:not-the-bots-token' })), ru);
    assert.equal(forged.status, 403);
    assert.match(forged.html, /<h1>Вход отклонён<\/h1>.*Данные входа не подписаны Telegram\..*>Вернуться ко входу</s);
    const stale = await page(signInPath(dash.widgetSignInUrl(ADMIN_ID, { authDate: Math.floor(Date.now() / 1000) - 86_400 - 60 })), ru);
    assert.match(stale.html, /Данные входа устарели; войдите снова\./);
    const notAdmin = await page(signInPath(dash.widgetSignInUrl(4004)), ru);
    assert.equal(notAdmin.status, 403);
    assert.match(notAdmin.html, /<h1>Нет доступа<\/h1>.*Этот аккаунт Telegram не администратор бота\./s);
    const link = signInPath(dash.widgetSignInUrl(ADMIN_ID));
    assert.equal((await page(link)).status, 200);
    assert.match((await page(link, ru)).html, /Эта ссылка для входа уже использована; войдите снова\./);
    // An OpenID way back with no sign-in started here (no state cookie).
    const oidc = await page('/admin/auth/oidc/callback?code=x&state=y', ru);
    assert.equal(oidc.status, 403);
    assert.match(oidc.html, /<html lang="ru">.*Вход истёк или начат не здесь; начните заново\./s);
    assert.match((await page('/admin/auth/oidc/callback?code=x&state=y')).html, /The sign-in expired or did not start here; start again\./);
  });

  test('in Chromium: a Russian admin sees the Russian menu, the scripts\' texts, dates and prompts in Russian, and the switch turns the page English', { skip: needsChromium }, async () => {
    await withPage(browser!, 'language-ru', async (p) => {
      // The browser asks for English: the admin's Telegram language decides.
      await p.setExtraHTTPHeaders({ 'accept-language': 'en-US,en;q=0.9' });
      await p.goto(dash.widgetSignInUrl(ADMIN_ID));
      await p.waitForURL(`${dash.url}/admin`);
      assert.deepEqual(await p.locator('header nav a').allTextContents(), ['Обзор', 'Пользователи', 'Группы', 'Задачи', 'Рассылки', 'Публикации', 'Платежи']);
      // Drawn by the page's script (overview.js), in the words the server gave it.
      await p.locator('section.card h2', { hasText: 'Очередь' }).waitFor();
      await p.locator('#failures', { hasText: 'Ошибок нет.' }).waitFor();
      assert.equal(await p.locator('[data-alert="error_rate"]').textContent(), 'норма');
      assert.equal(await p.locator('#alerts dt').first().textContent(), 'доля ошибок');

      await p.goto(`${dash.url}/admin/users?q=ivan`);
      await p.locator(`tr[data-id="${ADMIN_ID}"]`).waitFor();
      assert.equal(await p.locator('#csv').textContent(), 'Скачать CSV');
      assert.equal(await p.locator('th').nth(1).textContent(), 'Имя пользователя');
      // 2026-11-05T14:30Z as Russian writes a date: 05.11.2026, in the browser's time zone.
      assert.match(await p.locator(`tr[data-id="${ADMIN_ID}"] td[data-col="created_at"]`).textContent() ?? '', /^0[56]\.11\.2026, \d{2}:\d{2}:\d{2}$/);
      let asked = '';
      p.once('dialog', (d) => { asked = d.message(); void d.dismiss(); });
      await p.click(`tr[data-id="${ADMIN_ID}"] button.ban`);
      assert.equal(asked, 'Забанить @ivan? Его запланированные публикации будут приостановлены. Причина (необязательно):');

      // A filter's fixed choices are named in Russian; their values (in the address, to the API) stay as they are.
      await p.goto(`${dash.url}/admin/groups`);
      await p.locator('select[name="status"]').waitFor();
      assert.deepEqual(await p.locator('select[name="status"] option').allTextContents(), ['Статус: все', 'активные', 'отключённые']);
      await p.selectOption('select[name="status"]', 'deactivated');
      await p.waitForURL(/status=deactivated/);
      await p.goto(`${dash.url}/admin/users?q=ivan`);
      await p.locator(`tr[data-id="${ADMIN_ID}"]`).waitFor();
      await p.fill('input[name="q"]', 'nobody-here');
      await p.locator('#table p.empty', { hasText: 'Ничего не найдено.' }).waitFor();

      // A refusal from the API, through the page's own api.js: in the page's language, though the browser asks for English.
      const refusal = await p.evaluate(async (module) => {
        const { api } = await import(module) as { api: (path: string, o: object) => Promise<unknown> };
        return api('/admin/api/users/999999/ban', { method: 'POST', body: {} }).then(() => 'done', (err: Error) => err.message);
      }, '/admin/assets/api.js');
      assert.equal(refusal, 'Такого пользователя нет.');

      await p.click('#language a[lang="en"]');
      await p.waitForURL(`${dash.url}/admin/users`);
      assert.deepEqual((await p.locator('header nav a').allTextContents()).slice(0, 2), ['Overview', 'Users']);
      await p.locator('#csv', { hasText: 'Download CSV' }).waitFor();
    });
  });
});

