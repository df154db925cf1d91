import type { DashboardUnderTest } from './startDashboard.js';

/** A signed-in dashboard session as a script sees it: the cookie and the page's CSRF token. */
export interface DashboardSessionForTest {
  cookie: string;
  csrf: string;
  /** The Set-Cookie header of the sign-in. */
  setCookie: string;
}

/** Signs in through the Login Widget redirect and reads the CSRF token from the page frame. */
export async function signInForTest(dash: DashboardUnderTest, userId: number): Promise<DashboardSessionForTest> {
  const res = await fetch(dash.widgetSignInUrl(userId), { redirect: 'manual' });
  if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
  const setCookie = res.headers.getSetCookie().find((c) => c.startsWith('admin_session='))!;
  const cookie = setCookie.split(';')[0]!;
  const page = await (await fetch(`${dash.url}/admin`, { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(page)![1]!;
  return { cookie, csrf, setCookie };
}

/** A POST as the dashboard's own page sends it (same Origin, the CSRF header), with overrides. */
export function postAsPage(dash: DashboardUnderTest, path: string, session: DashboardSessionForTest, body: unknown,
  headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${dash.url}${path}`, {
    method: 'POST', redirect: 'manual', body: JSON.stringify(body),
    headers: { cookie: session.cookie, origin: dash.url, 'x-csrf-token': session.csrf, 'content-type': 'application/json', ...headers },
  });
}
