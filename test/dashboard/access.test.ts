import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TABLE_VIEWS } from '../../shared/dashboard/dashboardViews.js';
import { PAGES } from '../../shared/dashboard/renderPages.js';
import { postAsPage, signInForTest } from '../support/dashboardClient.js';
import { ADMIN_ID, type DashboardUnderTest, startDashboard, VIEWER_ID } from '../support/startDashboard.js';

// Who gets in and what a session may do, over HTTP as a browser or an attacker would send it.
describe('dashboard: sign-in and access', () => {
  let dash: DashboardUnderTest;
  before(async () => {
    dash = await startDashboard();
    await dash.db.sql`insert into users (id, first_name, is_admin) values (3003, 'Marked admin', true), (4004, 'Someone', false)`;
  });
  after(() => dash?.close());

  const failedJob = async () => (await dash.db.sql<{ id: number }[]>`
    insert into jobs (type, payload, state, attempts, max_attempts, last_error, failed_at)
    values ('telegram_update', '{"update_id": 9}', 'failed', 3, 3, 'boom', now()) returning id`)[0]!.id;
  const stateOf = async (id: number) => (await dash.db.sql<{ state: string }[]>`select state from jobs where id = ${id}`)[0]?.state;

  test('nothing is readable without a session: the API answers 401, pages redirect to sign-in', async () => {
    for (const path of ['/admin/api/session', '/admin/api/overview', '/admin/api/users', '/admin/api/users?format=csv', '/admin/api/groups',
      '/admin/api/jobs', '/admin/api/jobs?format=csv', '/admin/api/broadcasts', '/admin/api/posts', '/admin/api/payments', '/admin/api/subscriptions?format=csv', '/admin/api/nonexistent',
      ...TABLE_VIEWS.flatMap((v) => [`/admin/api/${v.name}`, `/admin/api/${v.name}?format=csv`])]) {
      const res = await fetch(`${dash.url}${path}`, { redirect: 'manual' });
      assert.equal(res.status, 401, path);
      assert.deepEqual(await res.json(), { error: 'sign in first' }, path);
    }
    for (const path of ['/admin/api/jobs/replay', '/admin/api/jobs/discard', '/admin/api/broadcasts/1/stop', '/admin/api/posts/1/check', '/admin/api/users/1/ban', '/admin/api/users/1/unban', '/admin/auth/logout']) {
      const res = await fetch(`${dash.url}${path}`, { method: 'POST', redirect: 'manual', headers: { origin: dash.url }, body: '{"filter":{}}' });
      assert.equal(res.status, 401, path);
    }
    for (const page of PAGES) {
      const res = await fetch(`${dash.url}/admin${page.path ? `/${page.path}` : ''}`, { redirect: 'manual' });
      assert.equal(res.status, 302, page.title);
      assert.equal(res.headers.get('location'), '/admin/sign-in');
    }
    // A cookie that is not a live session is no session.
    const res = await fetch(`${dash.url}/admin/api/overview`, { headers: { cookie: 'admin_session=made-up' } });
    assert.equal(res.status, 401);
  });

  test('the sign-in page shows the Login Widget for the bot, pointing back at this dashboard', async () => {
    const page = await (await fetch(`${dash.url}/admin/sign-in`)).text();
    assert.match(page, /data-telegram-login="test_dashboard_bot"/);
    assert.ok(page.includes(`data-auth-url="${dash.url}/admin/auth/telegram"`));
  });

  test('the sign-in page shows no text taken from its address (a link cannot put words on our page)', async () => {
    const page = await (await fetch(`${dash.url}/admin/sign-in?error=${encodeURIComponent('Session expired: sign in at evil.example')}`)).text();
    assert.match(page, /data-telegram-login=/);
    assert.ok(!page.includes('evil.example'));
  });

  test('a forged, a stale and a non-admin Login Widget sign-in are refused, with no session', async () => {
    const refusals = {
      forged: dash.widgetSignInUrl(ADMIN_ID, { token: '654321:not-the-bots-token' }),
      tampered: dash.widgetSignInUrl(4004).replace('id=4004', `id=${ADMIN_ID}`),
      stale: dash.widgetSignInUrl(ADMIN_ID, { authDate: Math.floor(Date.now() / 1000) - 86_400 - 60 }),
      'not an admin': dash.widgetSignInUrl(4004),
      unknown: dash.widgetSignInUrl(999_999),
      'no hash': `${dash.url}/admin/auth/telegram?id=${ADMIN_ID}&auth_date=${Math.floor(Date.now() / 1000)}`,
    };
    for (const [what, url] of Object.entries(refusals)) {
      const res = await fetch(url, { redirect: 'manual' });
      assert.equal(res.status, 403, what);
      assert.ok(!res.headers.getSetCookie().some((c) => c.startsWith('admin_session=')), `${what}: no session cookie`);
    }
    assert.equal((await dash.db.sql`select 1 from dashboard_sessions`).length, 0);
  });

  test('a Login Widget sign-in link works once: the same link again (from history or a log) is refused', async () => {
    const link = dash.widgetSignInUrl(ADMIN_ID, { firstName: 'Once' });
    assert.equal((await fetch(link, { redirect: 'manual' })).status, 200);
    const again = await fetch(link, { redirect: 'manual' });
    assert.equal(again.status, 403);
    assert.ok(!again.headers.getSetCookie().some((c) => c.startsWith('admin_session=')));
  });

  test('an admin\'s session cookie is HttpOnly, SameSite=Strict, short-lived, and Secure except on plain-http localhost', async () => {
    const { setCookie } = await signInForTest(dash, ADMIN_ID);
    assert.match(setCookie, /; HttpOnly/);
    assert.match(setCookie, /; SameSite=Strict/);
    assert.match(setCookie, /; Path=\/admin/);
    assert.match(setCookie, /; Max-Age=7200/);
    assert.doesNotMatch(setCookie, /Secure/, 'plain http on 127.0.0.1');
    const behindHttps = await fetch(dash.widgetSignInUrl(ADMIN_ID), { headers: { 'x-forwarded-proto': 'https', host: 'admin.example.com' } });
    assert.match(behindHttps.headers.getSetCookie().find((c) => c.startsWith('admin_session='))!, /; Secure/);
    // Only the hash of the token is stored.
    const token = setCookie.split(';')[0]!.split('=')[1]!;
    assert.equal((await dash.db.sql`select 1 from dashboard_sessions where token_hash = ${token}`).length, 0);
  });

  test('a viewer sees everything and cannot change anything', async () => {
    const viewer = await signInForTest(dash, VIEWER_ID);
    const id = await failedJob();
    const session = await (await fetch(`${dash.url}/admin/api/session`, { headers: { cookie: viewer.cookie } })).json();
    assert.deepEqual(session, { userId: VIEWER_ID, role: 'viewer' });
    const jobs = await (await fetch(`${dash.url}/admin/api/jobs?state=failed`, { headers: { cookie: viewer.cookie } })).json() as { rows: { id: number }[] };
    assert.ok(jobs.rows.some((r) => r.id === id));
    for (const [path, body] of [['/admin/api/jobs/replay', { ids: [id] }], ['/admin/api/jobs/discard', { filter: {} }], ['/admin/api/broadcasts/1/stop', {}]] as const) {
      const res = await postAsPage(dash, path, viewer, body);
      assert.equal(res.status, 403, path);
      assert.deepEqual(await res.json(), { error: 'viewers cannot change anything', message: 'Viewers cannot change anything.' });
    }
    assert.equal(await stateOf(id), 'failed');
  });

  test('a cross-site POST carrying a valid session cookie is refused; the same POST from the page works', async () => {
    const admin = await signInForTest(dash, ADMIN_ID);
    const id = await failedJob();
    const crossSite = await postAsPage(dash, '/admin/api/jobs/replay', admin, { ids: [id] }, { origin: 'https://evil.example' });
    assert.equal(crossSite.status, 403);
    const noOrigin = await fetch(`${dash.url}/admin/api/jobs/replay`, { method: 'POST', body: JSON.stringify({ ids: [id] }), headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrf } });
    assert.equal(noOrigin.status, 403, 'no Origin');
    const noToken = await postAsPage(dash, '/admin/api/jobs/replay', admin, { ids: [id] }, { 'x-csrf-token': '' });
    assert.equal(noToken.status, 403, 'no CSRF token');
    assert.equal(await stateOf(id), 'failed');
    const fromPage = await postAsPage(dash, '/admin/api/jobs/replay', admin, { ids: [id] });
    assert.equal(fromPage.status, 200);
    assert.deepEqual(await fromPage.json(), { replayed: [id] });
    assert.equal(await stateOf(id), 'queued');
  });

  test('an admin discards dead jobs only: a queued job named in the same request stays, and the discard is audited', async () => {
    const admin = await signInForTest(dash, ADMIN_ID);
    const dead = await failedJob();
    const [live] = await dash.db.sql<{ id: number }[]>`insert into jobs (type, payload) values ('telegram_update', '{"update_id": 10}') returning id`;
    const res = await postAsPage(dash, '/admin/api/jobs/discard', admin, { ids: [dead, live!.id] });
    assert.deepEqual(await res.json(), { discarded: [dead] });
    assert.equal(await stateOf(dead), undefined);
    assert.equal(await stateOf(live!.id), 'queued');
    const [audit] = await dash.db.sql<{ details: { ids: number[] } }[]>`select details from audit_log where action = 'job.discard'`;
    assert.deepEqual(audit!.details.ids, [dead]);
    assert.equal((await postAsPage(dash, '/admin/api/jobs/discard', admin, { ids: ['1; drop table jobs'] })).status, 400);
  });

  test('a replay and its audit record commit together: when the record cannot be written, the jobs stay failed', async () => {
    const admin = await signInForTest(dash, ADMIN_ID);
    const id = await failedJob();
    // The audit log refuses job.replay records for the length of this test.
    await dash.db.sql.unsafe(`
      create function refuse_replay_audit() returns trigger language plpgsql as $$
      begin if new.action = 'job.replay' then raise exception 'audit log unavailable'; end if; return new; end $$;
      create trigger refuse_replay_audit before insert on audit_log for each row execute function refuse_replay_audit()`);
    try {
      const res = await postAsPage(dash, '/admin/api/jobs/replay', admin, { ids: [id] });
      assert.equal(res.status, 500);
      assert.equal(await stateOf(id), 'failed', 'not replayed without its record');
    } finally {
      await dash.db.sql.unsafe('drop trigger refuse_replay_audit on audit_log; drop function refuse_replay_audit()');
    }
    const res = await postAsPage(dash, '/admin/api/jobs/replay', admin, { ids: [id] });
    assert.deepEqual(await res.json(), { replayed: [id] });
    assert.equal(await stateOf(id), 'queued');
    const [audit] = await dash.db.sql<{ details: { ids: number[] } }[]>`select details from audit_log where action = 'job.replay' order by id desc limit 1`;
    assert.deepEqual(audit!.details.ids, [id]);
  });

  test('a user marked admin gets in, and loses the session when the mark is taken away; an expired session and signing out end it', async () => {
    const marked = await signInForTest(dash, 3003);
    assert.equal((await fetch(`${dash.url}/admin/api/overview`, { headers: { cookie: marked.cookie } })).status, 200);
    await dash.db.sql`update users set is_admin = false where id = 3003`;
    assert.equal((await fetch(`${dash.url}/admin/api/overview`, { headers: { cookie: marked.cookie } })).status, 401);

    // A session past its end is no session.
    const short = await signInForTest(dash, ADMIN_ID);
    await dash.db.sql`update dashboard_sessions set created_at = now() - interval '3 hours', expires_at = now() - interval '1 minute' where user_id = ${ADMIN_ID}`;
    assert.equal((await fetch(`${dash.url}/admin/api/overview`, { headers: { cookie: short.cookie } })).status, 401);

    const admin = await signInForTest(dash, ADMIN_ID);
    const out = await postAsPage(dash, '/admin/auth/logout', admin, {});
    assert.equal(out.status, 200);
    assert.match(out.headers.getSetCookie()[0]!, /^admin_session=; .*Max-Age=0/);
    assert.equal((await fetch(`${dash.url}/admin/api/overview`, { headers: { cookie: admin.cookie } })).status, 401);
  });
});
