// The dashboard's page script: finds the page's module, gives it the API, and refreshes it
// every few seconds while the tab is visible. No framework and no build step: each page is a
// small ES module that renders into <main> from the JSON API.
import { api } from './api.js';

const PAGES = {
  overview: () => import('./pages/overview.js'),
  users: () => import('./pages/users.js'),
  groups: () => import('./pages/groups.js'),
  jobs: () => import('./pages/jobs.js'),
  broadcasts: () => import('./pages/broadcasts.js'),
  posts: () => import('./pages/posts.js'),
  payments: () => import('./pages/payments.js'),
};

/** How often the numbers refresh (polling: a Vercel function cannot hold a stream open for long). */
const REFRESH_MS = 3000;

const main = document.getElementById('page');
const status = document.getElementById('status');
const canAct = document.body.dataset.role === 'admin';

/** Shows a line under the page: what an action did, or why it failed. */
export function say(text, isError = false) {
  status.textContent = text;
  status.className = isError ? 'error' : '';
}

document.getElementById('sign-out').addEventListener('click', async () => {
  await api('/admin/auth/logout', { method: 'POST' }).catch(() => {});
  location.href = '/admin/sign-in';
});

const page = await PAGES[document.body.dataset.page]();
// The page's title as the server wrote it, in the page's language (shared/dashboard/renderPages.ts).
const title = main.querySelector('h1')?.textContent ?? '';
const view = page.mount(main, { canAct, say, title });
let timer;
let running;
let again = false;
/** Refreshes the view; one asked for while one runs (a filter changed) runs right after it, so the last word is always the newest. */
async function refresh() {
  if (running) {
    again = true;
    return running;
  }
  running = (async () => {
    do {
      again = false;
      try {
        await view.refresh();
        document.body.dataset.refreshed = String(Date.now());
      } catch (err) {
        say(err.message, true);
      }
    } while (again);
    running = undefined;
  })();
  return running;
}
function schedule() {
  clearInterval(timer);
  if (document.visibilityState === 'visible') timer = setInterval(refresh, REFRESH_MS);
}
document.addEventListener('visibilitychange', () => { schedule(); if (document.visibilityState === 'visible') void refresh(); });
view.onChange = refresh;
await refresh();
schedule();
