import type { Locale } from '../i18n/catalogs.js';
import type { DashboardRole } from './dashboardSessions.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The dashboard's pages, in the menu's order: the path after /admin and the title. */
export const PAGES = [
  { path: '', title: 'Overview' },
  { path: 'users', title: 'Users' },
  { path: 'groups', title: 'Groups' },
  { path: 'jobs', title: 'Jobs' },
  { path: 'broadcasts', title: 'Broadcasts' },
  { path: 'posts', title: 'Posts' },
  { path: 'payments', title: 'Payments' },
] as const;

const head = (title: string, extra = '', lang: Locale = 'en') => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${extra}
<title>${escape(title)} · Admin</title><link rel="stylesheet" href="/admin/assets/dashboard.css"></head>`;

/**
 * The page frame every signed-in page shares; the page's module (public/admin/assets/) fills
 * `main` from the JSON API. The CSRF token is in a meta tag for the modules to send back.
 */
export function renderShell(page: (typeof PAGES)[number], session: { userId: number; role: DashboardRole; csrfToken: string }): string {
  const nav = PAGES.map((p) => `<a href="/admin${p.path ? `/${p.path}` : ''}"${p === page ? ' aria-current="page"' : ''}>${p.title}</a>`).join('');
  return `${head(page.title)}
<body data-page="${page.path || 'overview'}" data-role="${session.role}">
<meta name="csrf-token" content="${escape(session.csrfToken)}">
<header><nav>${nav}</nav><span class="who">${session.userId} · ${session.role}<button id="sign-out" type="button">Sign out</button></span></header>
<main id="page"><h1>${page.title}</h1><p class="loading">Loading…</p></main>
<p id="status" role="status"></p>
<link rel="stylesheet" href="/admin/assets/vendor/uPlot.min.css">
<script src="/admin/assets/vendor/uPlot.iife.min.js"></script>
<script type="module" src="/admin/assets/app.js"></script>
</body></html>`;
}

/** The sign-in page: the Login Widget (when the bot's username is set) and "Log In With Telegram" (OpenID, when configured). */
export function renderSignIn(o: { botUsername?: string; authUrl: string; oidc: boolean; error?: string }): string {
  const widget = o.botUsername
    ? `<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="${escape(o.botUsername)}" data-size="large" data-auth-url="${escape(o.authUrl)}" data-request-access="write"></script>`
    : '';
  const oidc = o.oidc ? '<p><a class="button" id="oidc-sign-in" href="/admin/auth/oidc">Log in with Telegram</a></p>' : '';
  const none = !widget && !oidc ? '<p>No sign-in method is configured: set TELEGRAM_BOT_USERNAME (Login Widget) or TELEGRAM_LOGIN_CLIENT_ID and _SECRET.</p>' : '';
  return `${head('Sign in')}
<body class="sign-in"><main><h1>Admin dashboard</h1>
${o.error ? `<p class="error" role="alert">${escape(o.error)}</p>` : ''}
<p>Sign in with the Telegram account of an admin.</p>${oidc}${widget}${none}</main></body></html>`;
}

/** A page that only says something (a refused sign-in) with a way on, in `lang` (its `<html lang>`). */
export function renderMessage(title: string, text: string, link: { href: string; label: string }, lang: Locale = 'en'): string {
  return `${head(title, '', lang)}<body class="sign-in"><main><h1>${escape(title)}</h1><p class="error" role="alert">${escape(text)}</p>
<p><a href="${escape(link.href)}">${escape(link.label)}</a></p></main></body></html>`;
}

/**
 * After a sign-in: the session cookie is SameSite=Strict, and the browser arrived here from
 * Telegram's site, so a redirect would still be a cross-site navigation and the cookie would
 * not be sent. This page is ours, so the navigation it starts is same-site.
 */
export function renderSignedIn(): string {
  return `${head('Signed in', '<meta http-equiv="refresh" content="0;url=/admin">')}<body class="sign-in"><main><h1>Signed in</h1>
<p><a id="continue" href="/admin">Continue to the dashboard</a></p></main></body></html>`;
}
