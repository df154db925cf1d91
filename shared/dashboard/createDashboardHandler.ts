import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import type { Sql } from '../db/createSql.js';
import type { Queryable } from '../db/Queryable.js';
import type { Logger } from '../logger.js';
import { discardJobs } from '../queue/discardJobs.js';
import { findFailedJobIds } from '../queue/findJobs.js';
import { replayJobs } from '../queue/replayJobs.js';
import { banUser, unbanUser } from '../modules/admin/banUser.js';
import { readAlertStates } from '../modules/alerts/readAlertStates.js';
import { type AuditAction, recordAudit } from '../modules/audit/recordAudit.js';
import type { GraphClient } from '../modules/instapost/GraphClient.js';
import type { Keyring } from '../modules/instapost/Keyring.js';
import { checkPostStatus } from './checkPostStatus.js';
import { clientAddressOf } from './clientAddress.js';
import { parseCookies, serializeCookie } from './cookies.js';
import type { DashboardConfig } from './dashboardConfig.js';
import { dashboardRole } from './dashboardRole.js';
import { createDashboardSession, type DashboardSession, deleteDashboardSession, readDashboardSession } from './dashboardSessions.js';
import { jobFilterOf, TABLE_VIEWS } from './dashboardViews.js';
import { stopBroadcast } from './listBroadcasts.js';
import { readOverview, readOverviewCharts } from './readOverview.js';
import { BadRequestError, readJsonBody } from './readJsonBody.js';
import type { Locale } from '../i18n/catalogs.js';
import { dashboardLocale, dashboardLocaleOf, LANGUAGE_COOKIE } from './dashboardLocale.js';
import { type DashboardTextKey, dashboardText as t } from './dashboardTexts.js';
import { PAGES, renderRefusal, renderShell, renderSignedIn, renderSignIn } from './renderPages.js';
import { renderSignInLimited } from './renderSignInLimited.js';
import { checkSignInLimit, giveBackSignInAttempt, hitSignInLimit } from './signInAttempts.js';
import { type OidcPending, OidcLoginError, TelegramOidc } from './telegramOidc.js';
import { toCsv } from './toCsv.js';
import { verifyLoginWidget } from './verifyLoginWidget.js';

/** What the dashboard's handler needs. */
export interface DashboardDeps {
  sql: Sql;
  config: DashboardConfig;
  log: Logger;
  /** Graph and the key of the stored Page tokens, for "check status" on the Posts page. Without them the action says it is off. */
  instagram?: { graph: GraphClient; keyring: Keyring };
  /**
   * The folder of the dashboard's static files (public/admin/assets), served at
   * /admin/assets/ by `npm start`. On Vercel the platform serves them from public/ and the
   * function never sees those paths.
   */
  assetsDir?: string;
  /**
   * Whether the client's address is read from `x-real-ip` / `x-forwarded-for` (for the sign-in
   * limit): true in api/admin.ts, where Vercel's edge sets them; false (the socket's address)
   * in `npm start`, where the client could write them. Default false. See clientAddress.ts.
   */
  trustProxyHeaders?: boolean;
}

/** The session cookie. `__Host-` would pin it to `/`, Secure and no domain; the dashboard lives under /admin, so the name is plain and the attributes are set by hand. */
const SESSION_COOKIE = 'admin_session';
/** The OpenID sign-in's state, nonce and PKCE verifier, between the redirect and the way back. */
const OIDC_COOKIE = 'admin_oidc';
/** Rows a page shows; the CSV of the same filter has up to {@link CSV_LIMIT}. */
const PAGE_ROWS = 200;
const CSV_LIMIT = 10_000;
/** At most this many ids in one replay or discard request. */
const MAX_IDS = 10_000;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png',
};

/**
 * Every header a dashboard answer carries: nothing is cached, framed or sniffed; scripts come
 * from here (and the Login Widget's from telegram.org, on the sign-in page only).
 */
function securityHeaders(signInPage = false): Record<string, string> {
  return {
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'same-origin',
    'content-security-policy': signInPage
      ? "default-src 'self'; script-src 'self' https://telegram.org; frame-src https://oauth.telegram.org; img-src 'self' data: https:; style-src 'self'; frame-ancestors 'none'; form-action 'self'"
      : "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'",
    // The Login Widget opens a popup that must reach back to this window (reference §4).
    'cross-origin-opener-policy': signInPage ? 'same-origin-allow-popups' : 'same-origin',
  };
}

class HttpError extends Error {
  readonly status: number;
  /** The text a page shows for it (dashboardTexts.ts), when a page may meet it; `message` stays the API's English `error`. */
  readonly text?: DashboardTextKey;
  constructor(status: number, message: string, text?: DashboardTextKey) {
    super(message);
    this.status = status;
    this.name = 'HttpError';
    this.text = text;
  }
}

/**
 * The admin dashboard under `/admin`: sign-in (Login Widget and OpenID Connect), the pages,
 * their JSON API and CSV export, and its actions. The same handler runs in `api/admin.ts` on
 * Vercel and in `npm start`; it never loads the bot.
 *
 * Access: nothing but the sign-in routes and the static assets answers without a session (the
 * API 401, pages a redirect to sign-in). A session is re-checked against the admin lists on
 * every request. A state-changing request (every POST) must also come from the dashboard's own
 * origin (the Origin header) and carry the session's CSRF token, and is refused to viewers.
 */
export function createDashboardHandler(deps: DashboardDeps): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  const { sql, config, log } = deps;
  const trustProxyHeaders = deps.trustProxyHeaders ?? false;
  const oidc = config.oidc && new TelegramOidc(config.oidc);

  return async function handleDashboard(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname.replace(/\/+$/, '') || '/';
    const site = siteOf(req, config);
    try {
      if (pathname.startsWith('/admin/assets/') && req.method === 'GET') return await serveAsset(res, pathname.slice('/admin/assets/'.length));
      if (pathname === '/admin/sign-in' && req.method === 'GET') {
        const locale = await dashboardLocale(sql, req);
        return sendHtml(res, 200, renderSignIn({ botUsername: config.botToken ? config.botUsername : undefined, authUrl: `${site.origin}/admin/auth/telegram`, oidc: Boolean(oidc) }, locale), locale, true);
      }
      if (pathname === '/admin/language' && req.method === 'GET') return chooseLanguage(res, url.searchParams, site);
      if (pathname === '/admin/auth/telegram' && req.method === 'GET') return await signInWithWidget(req, res, url.searchParams, site);
      if (pathname === '/admin/auth/oidc' && req.method === 'GET') return await beginOidc(req, res, site);
      if (pathname === '/admin/auth/oidc/callback' && req.method === 'GET') return await finishOidc(req, res, url.searchParams, site);

      const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      const session = token ? await currentSession(token) : undefined;
      const page = PAGES.find((p) => pathname === `/admin${p.path ? `/${p.path}` : ''}`);
      if (!session) {
        if (page && req.method === 'GET') return void res.writeHead(302, { ...securityHeaders(), location: '/admin/sign-in' }).end();
        throw new HttpError(401, 'sign in first');
      }
      if (req.method === 'POST') checkStateChange(req, session, site, pathname === '/admin/auth/logout');
      if (page && req.method === 'GET') {
        const locale = await dashboardLocale(sql, req, session.userId);
        return sendHtml(res, 200, renderShell(page, session, locale), locale);
      }
      if (pathname === '/admin/auth/logout' && req.method === 'POST') {
        await deleteDashboardSession(sql, token!);
        res.setHeader('set-cookie', serializeCookie(SESSION_COOKIE, '', { path: '/admin', maxAgeSeconds: 0, secure: site.secure, sameSite: 'Strict' }));
        return sendJson(res, 200, { signedOut: true });
      }
      if (pathname.startsWith('/admin/api/')) return await api(req, res, pathname.slice('/admin/api/'.length), url.searchParams, session);
      throw new HttpError(404, 'not found');
    } catch (error) {
      // `error` is the API's (English, stable for scripts); `message` what a page shows, in the
      // page's language: its scripts send it as X-Dashboard-Language (public/admin/assets/api.js).
      if (error instanceof HttpError) return sendJson(res, error.status, { error: error.message, ...await messageOf(req, error.text) });
      if (error instanceof BadRequestError) return sendJson(res, 400, { error: error.message, ...await messageOf(req, 'api.badRequest', { detail: error.message }) });
      log.error({ err: error, path: pathname }, 'dashboard request failed');
      if (!res.headersSent) sendJson(res, 500, { error: 'internal error', ...await messageOf(req, 'api.internal').catch(() => ({})) });
      else res.end();
    }
  };

  /**
   * `{ message }` in the page's language (its X-Dashboard-Language header, which the page's
   * api.js sends; else the switch's cookie or Accept-Language), or nothing without a text.
   */
  async function messageOf(req: IncomingMessage, text: DashboardTextKey | undefined, params?: Record<string, string>): Promise<{ message?: string }> {
    if (!text) return {};
    const locale = dashboardLocaleOf(String(req.headers['x-dashboard-language'] ?? '')) ?? await dashboardLocale(sql, req);
    return { message: t(locale, text, params) };
  }

  /** The session of a cookie, if it is live and its user still has a role (else it is ended). */
  async function currentSession(token: string): Promise<DashboardSession | undefined> {
    const session = await readDashboardSession(sql, token);
    if (!session) return undefined;
    const role = await dashboardRole(sql, config, session.userId);
    if (!role) {
      await deleteDashboardSession(sql, token);
      return undefined;
    }
    // An admin moved to the viewers list (or the reverse) gets that role from now on.
    return { ...session, role };
  }

  /**
   * A state-changing request: from the dashboard's own origin (a cross-site form or fetch
   * carries another Origin, or none), with the session's CSRF token, by an admin.
   */
  function checkStateChange(req: IncomingMessage, session: DashboardSession, site: Site, signOut: boolean): void {
    if (req.headers.origin !== site.origin) throw new HttpError(403, 'cross-site request refused', 'api.crossSite');
    const sent = Buffer.from(String(req.headers['x-csrf-token'] ?? ''));
    const expected = Buffer.from(session.csrfToken);
    if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) throw new HttpError(403, 'missing or wrong CSRF token', 'api.csrf');
    if (session.role !== 'admin' && !signOut) throw new HttpError(403, 'viewers cannot change anything', 'api.viewer');
  }

  /**
   * The sign-in limit (DASHBOARD_SIGN_IN_ATTEMPTS per DASHBOARD_SIGN_IN_WINDOW_MINUTES per
   * address): counts this request as an attempt (or, for the start of an OpenID sign-in, only
   * looks) and, over the limit, answers 429 with Retry-After and returns false: the caller then
   * does nothing else, no signature check, no call to Telegram, no session. Every attempt counts
   * until it ends in a session (signIn gives it back): a forged or stale signature, a link used
   * before, a non-admin, a refused OpenID round trip.
   */
  async function withinSignInLimit(req: IncomingMessage, res: ServerResponse, address: string, count: boolean): Promise<boolean> {
    const verdict = count ? await hitSignInLimit(sql, address, config.signInLimit) : await checkSignInLimit(sql, address, config.signInLimit);
    if (verdict.allowed) return true;
    if (verdict.firstRefusal) log.warn({ address, until: verdict.retryAt }, 'dashboard sign-in refused: too many attempts from this address');
    const seconds = Math.max(1, Math.ceil(verdict.retryInMs / 1000));
    // Nobody is signed in: the page speaks the switch's or the browser's language.
    const locale = await dashboardLocale(sql, req);
    res.setHeader('retry-after', String(seconds));
    sendHtml(res, 429, renderSignInLimited(locale, Math.ceil(seconds / 60)), locale);
    return false;
  }

  /**
   * The EN/RU switch: `to` in the `admin_lang` cookie (a year, Path=/admin; Lax, so it is
   * there on the way back from Telegram too), then back to `back`, a dashboard path only (no
   * open redirect). Not a state change worth a CSRF token: it changes only this browser's words.
   */
  function chooseLanguage(res: ServerResponse, query: URLSearchParams, site: Site): void {
    const locale = dashboardLocaleOf(query.get('to'));
    if (!locale) throw new HttpError(400, 'to must be en or ru');
    const back = query.get('back') ?? '';
    res.setHeader('set-cookie', serializeCookie(LANGUAGE_COOKIE, locale, { path: '/admin', maxAgeSeconds: 365 * 24 * 3600, secure: site.secure, sameSite: 'Lax' }));
    res.writeHead(302, { ...securityHeaders(), location: /^\/admin(?:\/[\w-]+)*$/.test(back) ? back : '/admin' }).end();
  }

  /** A refused sign-in (403), in the switch's or the browser's language: nobody is signed in. */
  async function refuse(req: IncomingMessage, res: ServerResponse, title: DashboardTextKey, text: DashboardTextKey): Promise<void> {
    const locale = await dashboardLocale(sql, req);
    sendHtml(res, 403, renderRefusal(locale, t(locale, title), t(locale, text)), locale);
  }

  async function signIn(req: IncomingMessage, res: ServerResponse, userId: number, method: 'widget' | 'oidc', site: Site, address: string): Promise<void> {
    const role = await dashboardRole(sql, config, userId);
    if (!role) {
      log.warn({ user_id: userId, method }, 'dashboard sign-in refused: not an admin');
      return refuse(req, res, 'refused.notAllowedTitle', 'refused.notAdmin');
    }
    const session = await sql.begin(async (tx) => {
      const created = await createDashboardSession(tx, { userId, role, method, minutes: config.sessionMinutes });
      await recordAudit(tx, { actorId: userId, action: 'dashboard.sign_in', subjectUserId: userId, details: { role, method } });
      await giveBackSignInAttempt(tx, address);
      return created;
    });
    log.info({ user_id: userId, role, method }, 'dashboard sign-in');
    res.setHeader('set-cookie', [
      serializeCookie(SESSION_COOKIE, session.token, { path: '/admin', maxAgeSeconds: config.sessionMinutes * 60, secure: site.secure, sameSite: 'Strict' }),
      serializeCookie(OIDC_COOKIE, '', { path: '/admin/auth', maxAgeSeconds: 0, secure: site.secure, sameSite: 'Lax' }),
    ]);
    const locale = await dashboardLocale(sql, req, userId);
    sendHtml(res, 200, renderSignedIn(locale), locale);
  }

  async function signInWithWidget(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, site: Site): Promise<void> {
    if (!config.botToken) throw new HttpError(404, 'the Login Widget is not configured (TELEGRAM_BOT_TOKEN)');
    const address = clientAddressOf(req, trustProxyHeaders);
    if (!await withinSignInLimit(req, res, address, true)) return;
    const verdict = verifyLoginWidget(query, config.botToken, { nowMs: Date.now(), maxAgeSeconds: config.loginMaxAgeSeconds });
    if (!verdict.ok) {
      log.warn({ reason: verdict.reason }, 'dashboard sign-in refused: Login Widget data');
      return refuse(req, res, 'refused.title', verdict.reason === 'stale' ? 'refused.stale' : 'refused.unsigned');
    }
    // Once: a second use of the same signed link (from history or a log) is refused.
    await sql`delete from dashboard_login_hashes where used_at < now() - interval '2 days'`;
    const [fresh] = await sql`insert into dashboard_login_hashes (hash) values (${query.get('hash')!}) on conflict do nothing returning hash`;
    if (!fresh) {
      log.warn({ user_id: verdict.login.id }, 'dashboard sign-in refused: Login Widget link used before');
      return refuse(req, res, 'refused.title', 'refused.usedBefore');
    }
    await signIn(req, res, verdict.login.id, 'widget', site, address);
  }

  async function beginOidc(req: IncomingMessage, res: ServerResponse, site: Site): Promise<void> {
    if (!oidc) throw new HttpError(404, 'Log In With Telegram is not configured (TELEGRAM_LOGIN_CLIENT_ID)');
    // Not an attempt (it verifies nothing and calls no one but the cached discovery), but an
    // address over the limit is told now, not after the round trip through Telegram.
    if (!await withinSignInLimit(req, res, clientAddressOf(req, trustProxyHeaders), false)) return;
    const { url, pending } = await oidc.begin(`${site.origin}/admin/auth/oidc/callback`);
    // Lax, not Strict: the way back is a top-level navigation from Telegram's site, on which a
    // Strict cookie would not be sent. Ten minutes for the user to confirm in Telegram.
    res.setHeader('set-cookie', serializeCookie(OIDC_COOKIE, JSON.stringify(pending), { path: '/admin/auth', maxAgeSeconds: 600, secure: site.secure, sameSite: 'Lax' }));
    res.writeHead(302, { ...securityHeaders(), location: url }).end();
  }

  async function finishOidc(req: IncomingMessage, res: ServerResponse, query: URLSearchParams, site: Site): Promise<void> {
    if (!oidc) throw new HttpError(404, 'Log In With Telegram is not configured (TELEGRAM_LOGIN_CLIENT_ID)');
    const address = clientAddressOf(req, trustProxyHeaders);
    if (!await withinSignInLimit(req, res, address, true)) return;
    let pending: OidcPending | undefined;
    try {
      const raw = parseCookies(req.headers.cookie).get(OIDC_COOKIE);
      pending = raw ? JSON.parse(raw) as OidcPending : undefined;
    } catch {
      pending = undefined;
    }
    let login;
    try {
      login = await oidc.finish(query, pending, `${site.origin}/admin/auth/oidc/callback`);
    } catch (error) {
      if (!(error instanceof OidcLoginError)) throw error;
      // The page says what went wrong in the reader's words; the detail is for the log.
      log.warn({ reason: error.reason, detail: error.message, err: error.cause }, 'dashboard sign-in refused: OpenID');
      return refuse(req, res, 'refused.title', `oidc.${error.reason}`);
    }
    await signIn(req, res, login.userId, 'oidc', site, address);
  }

  async function api(req: IncomingMessage, res: ServerResponse, route: string, query: URLSearchParams, session: DashboardSession): Promise<void> {
    const post = req.method === 'POST';
    if (!post && req.method !== 'GET') throw new HttpError(405, 'method not allowed');
    if (!post && route === 'session') return sendJson(res, 200, { userId: session.userId, role: session.role });
    if (!post && route === 'overview') return sendJson(res, 200, { overview: await readOverview(sql), charts: await readOverviewCharts(sql), alerts: await readAlertStates(sql) });
    const view = TABLE_VIEWS.find((v) => v.name === route);
    if (!post && view) {
      const csv = query.get('format') === 'csv';
      const { columns: keys, ...result } = await view.load(sql, query, csv ? CSV_LIMIT : PAGE_ROWS);
      // The headings in the admin's language, the page's and the CSV's alike.
      const locale = await dashboardLocale(sql, req, session.userId);
      const columns = keys.map((key) => ({ key, label: t(locale, `col.${view.name}.${key}` as DashboardTextKey) }));
      if (!csv) return sendJson(res, 200, { ...result, columns });
      const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
      res.writeHead(200, { ...securityHeaders(), 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${view.name}-${stamp}.csv"` });
      return void res.end(toCsv(columns, result.rows));
    }
    if (!post) throw new HttpError(404, 'not found');

    const body = await readJsonBody(req) as { ids?: unknown; filter?: unknown };
    const jobAction = /^jobs\/(replay|discard)$/.exec(route)?.[1];
    if (jobAction) {
      const ids = await jobIdsOf(body);
      // The change and its record commit together, or neither: a replay or discard is never
      // left without its audit record. replayJobs joins this transaction (it takes the keys'
      // advisory locks in it to promote their heads, held until the record is written too).
      const done = await sql.begin(async (tx) => {
        const changed = jobAction === 'replay' ? await replayJobs(tx, ids) : await discardJobs(tx, ids);
        if (changed.length) await audit(tx, session, jobAction === 'replay' ? 'job.replay' : 'job.discard', { ids: changed.slice(0, 100), count: changed.length });
        return changed;
      });
      return sendJson(res, 200, { [jobAction === 'replay' ? 'replayed' : 'discarded']: done });
    }
    const stop = /^broadcasts\/(\d+)\/stop$/.exec(route);
    if (stop) {
      // The stop and its audit record are one transaction (cancelBroadcast writes both).
      const stopped = await stopBroadcast(sql, Number(stop[1]), session.userId);
      if (stopped) logAction(session, 'broadcast.stop');
      return sendJson(res, stopped ? 200 : 409, stopped ? { stopped: true } : { error: 'the broadcast is not running', ...await messageOf(req, 'api.notRunning') });
    }
    const check = /^posts\/(\d+)\/check$/.exec(route);
    if (check) {
      if (!deps.instagram) throw new HttpError(501, 'checking posts needs ENCRYPTION_KEY (and INSTAGRAM_GRAPH_API_ROOT) in the dashboard\'s environment', 'api.checkOff');
      // The correction and its audit record are one transaction (checkPostStatus writes both).
      const result = await checkPostStatus(sql, deps.instagram, Number(check[1]), session.userId);
      if (!result) throw new HttpError(404, 'no such post', 'api.noPost');
      logAction(session, 'post.check_status');
      return sendJson(res, 200, result);
    }
    const ban = /^users\/(\d+)\/(ban|unban)$/.exec(route);
    if (ban) {
      const userId = Number(ban[1]);
      const reason = typeof (body as { reason?: unknown }).reason === 'string' ? (body as { reason: string }).reason.trim().slice(0, 200) || null : null;
      // banUser and unbanUser pause or resume the user's posts and write the audit log, in one transaction.
      const outcome = ban[2] === 'ban' ? await banUser(sql, { userId, actorId: session.userId, reason }) : await unbanUser(sql, { userId, actorId: session.userId });
      if (outcome.status === 'unknown_user') throw new HttpError(404, 'no such user', 'api.noUser');
      return sendJson(res, 200, outcome);
    }
    throw new HttpError(404, 'not found');
  }

  /** The jobs a replay or discard names: `{ ids: [...] }`, or `{ filter: {type, state, q} }` for every failed job that matches. */
  async function jobIdsOf(body: { ids?: unknown; filter?: unknown }): Promise<number[]> {
    if (Array.isArray(body.ids)) {
      if (body.ids.length > MAX_IDS || !body.ids.every((id) => Number.isSafeInteger(id) && (id as number) > 0)) throw new BadRequestError(`ids must be at most ${MAX_IDS} job ids`);
      return body.ids as number[];
    }
    if (body.filter && typeof body.filter === 'object') {
      const f = body.filter as Record<string, unknown>;
      const params = new URLSearchParams();
      for (const key of ['type', 'state', 'q']) if (typeof f[key] === 'string') params.set(key, f[key]);
      return findFailedJobIds(sql, jobFilterOf(params));
    }
    throw new BadRequestError('give ids or a filter');
  }

  /**
   * Every dashboard action goes to the audit log (shared/modules/audit) with who did it, in the
   * transaction of its change (`tx`), so neither commits without the other.
   */
  async function audit(tx: Queryable, session: DashboardSession, action: AuditAction, details: Record<string, unknown>): Promise<void> {
    await recordAudit(tx, { actorId: session.userId, action, details: { ...details, via: 'dashboard' } });
    logAction(session, action);
  }

  function logAction(session: DashboardSession, action: AuditAction): void {
    log.info({ actor_id: session.userId, action }, 'dashboard action');
  }

  async function serveAsset(res: ServerResponse, relative: string): Promise<void> {
    const dir = deps.assetsDir;
    const file = dir && path.resolve(dir, relative);
    const type = file && CONTENT_TYPES[path.extname(file)];
    // Only files inside the assets folder, of the types it holds: `..` cannot climb out.
    if (!dir || !file || !type || !file.startsWith(path.resolve(dir) + path.sep)) throw new HttpError(404, 'not found');
    let body: Buffer;
    try {
      body = await readFile(file);
    } catch {
      throw new HttpError(404, 'not found');
    }
    res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' }).end(body);
  }

  /** An HTML page in `locale`: which one depends on the switch's cookie, the admin and Accept-Language. */
  function sendHtml(res: ServerResponse, status: number, html: string, locale: Locale, signInPage = false): void {
    res.writeHead(status, { ...securityHeaders(signInPage), 'content-type': 'text/html; charset=utf-8', 'content-language': locale, vary: 'Accept-Language, Cookie' }).end(html);
  }

  function sendJson(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { ...securityHeaders(), 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
  }
}

/** Where the dashboard is being reached: its origin and whether cookies must be Secure. */
interface Site {
  origin: string;
  secure: boolean;
}

/**
 * The dashboard's origin: DASHBOARD_ORIGIN, else the request's Host with the scheme Vercel's
 * proxy reports (x-forwarded-proto) or the socket's. Cookies are Secure except on plain-http
 * localhost, where a browser would not store a Secure cookie from http.
 */
function siteOf(req: IncomingMessage, config: DashboardConfig): Site {
  const proto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]!.trim()
    || ((req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http');
  const origin = config.origin ?? `${proto}://${req.headers.host ?? 'localhost'}`;
  const { protocol, hostname } = new URL(origin);
  const localhost = hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
  return { origin, secure: protocol === 'https:' || !localhost };
}
