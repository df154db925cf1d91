import type { Locale } from '../i18n/catalogs.js';
import type { DashboardRole } from './dashboardSessions.js';
import { clientTexts, dashboardText as t } from './dashboardTexts.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The dashboard's pages, in the menu's order: the path after /admin and the key of the title (dashboardTexts.ts). */
export const PAGES = [
  { path: '', title: 'page.overview' },
  { path: 'users', title: 'page.users' },
  { path: 'groups', title: 'page.groups' },
  { path: 'jobs', title: 'page.jobs' },
  { path: 'broadcasts', title: 'page.broadcasts' },
  { path: 'posts', title: 'page.posts' },
  { path: 'payments', title: 'page.payments' },
] as const;

const head = (title: string, lang: Locale, extra = '') => `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${extra}
<title>${escape(title)} · ${escape(t(lang, 'shell.titleSuffix'))}</title><link rel="stylesheet" href="/admin/assets/dashboard.css"></head>`;

/**
 * The EN/RU switch: links to /admin/language, which sets the `admin_lang` cookie and comes back
 * to `back` (this page). The current language is marked, not linked.
 */
function languageSwitch(lang: Locale, back: string): string {
  const links = (['en', 'ru'] as const).map((l) => l === lang
    ? `<b lang="${l}" aria-current="true">${l.toUpperCase()}</b>`
    : `<a lang="${l}" hreflang="${l}" href="/admin/language?to=${l}&amp;back=${encodeURIComponent(back)}">${l.toUpperCase()}</a>`).join(' ');
  return `<span class="lang" id="language" aria-label="${escape(t(lang, 'shell.language'))}">${links}</span>`;
}

/** JSON in a `<script type="application/json">`: `<` escaped, so no text in it can end the element. */
const jsonBlock = (id: string, value: unknown) =>
  `<script type="application/json" id="${id}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`;

/**
 * The page frame every signed-in page shares, in `lang`; the page's module (public/admin/assets/)
 * fills `main` from the JSON API, with the texts of the JSON block `dashboard-texts` (the
 * scripts keep no catalog of their own). The CSRF token is in a meta tag for the modules to send back.
 */
export function renderShell(page: (typeof PAGES)[number], session: { userId: number; role: DashboardRole; csrfToken: string }, lang: Locale = 'en'): string {
  const nav = PAGES.map((p) => `<a href="/admin${p.path ? `/${p.path}` : ''}"${p === page ? ' aria-current="page"' : ''}>${escape(t(lang, p.title))}</a>`).join('');
  const title = t(lang, page.title);
  return `${head(title, lang)}
<body data-page="${page.path || 'overview'}" data-role="${session.role}">
<meta name="csrf-token" content="${escape(session.csrfToken)}">
${jsonBlock('dashboard-texts', clientTexts(lang))}
<header><nav>${nav}</nav>${languageSwitch(lang, `/admin${page.path ? `/${page.path}` : ''}`)}<span class="who">${session.userId} · ${escape(t(lang, `role.${session.role}`))}<button id="sign-out" type="button">${escape(t(lang, 'shell.signOut'))}</button></span></header>
<main id="page"><h1>${escape(title)}</h1><p class="loading">${escape(t(lang, 'shell.loading'))}</p></main>
<p id="status" role="status"></p>
<link rel="stylesheet" href="/admin/assets/vendor/uPlot.min.css">
<script src="/admin/assets/vendor/uPlot.iife.min.js"></script>
<script type="module" src="/admin/assets/app.js"></script>
</body></html>`;
}

/** The sign-in page, in `lang`: the Login Widget (when the bot's username is set) and "Log In With Telegram" (OpenID, when configured). */
export function renderSignIn(o: { botUsername?: string; authUrl: string; oidc: boolean }, lang: Locale = 'en'): string {
  const widget = o.botUsername
    ? `<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-login="${escape(o.botUsername)}" data-size="large" data-auth-url="${escape(o.authUrl)}" data-request-access="write"></script>`
    : '';
  const oidc = o.oidc ? `<p><a class="button" id="oidc-sign-in" href="/admin/auth/oidc">${escape(t(lang, 'signIn.oidc'))}</a></p>` : '';
  const none = !widget && !oidc ? `<p>${escape(t(lang, 'signIn.none'))}</p>` : '';
  return `${head(t(lang, 'signIn.title'), lang)}
<body class="sign-in"><main>${languageSwitch(lang, '/admin/sign-in')}<h1>${escape(t(lang, 'signIn.heading'))}</h1>
<p>${escape(t(lang, 'signIn.prompt'))}</p>${oidc}${widget}${none}</main></body></html>`;
}

/** A page that only says something (a refused sign-in) with a way on, in `lang` (its `<html lang>`). */
export function renderMessage(title: string, text: string, link: { href: string; label: string }, lang: Locale = 'en'): string {
  return `${head(title, lang)}<body class="sign-in"><main><h1>${escape(title)}</h1><p class="error" role="alert">${escape(text)}</p>
<p><a href="${escape(link.href)}">${escape(link.label)}</a></p></main></body></html>`;
}

/** A refused sign-in (403) in `lang`: why, and the way back to the sign-in page. */
export function renderRefusal(lang: Locale, title: string, text: string): string {
  return renderMessage(title, text, { href: '/admin/sign-in', label: t(lang, 'refused.back') }, lang);
}

/**
 * After a sign-in: the session cookie is SameSite=Strict, and the browser arrived here from
 * Telegram's site, so a redirect would still be a cross-site navigation and the cookie would
 * not be sent. This page is ours, so the navigation it starts is same-site.
 */
export function renderSignedIn(lang: Locale = 'en'): string {
  return `${head(t(lang, 'signedIn.title'), lang, '<meta http-equiv="refresh" content="0;url=/admin">')}<body class="sign-in"><main><h1>${escape(t(lang, 'signedIn.title'))}</h1>
<p><a id="continue" href="/admin">${escape(t(lang, 'signedIn.continue'))}</a></p></main></body></html>`;
}
