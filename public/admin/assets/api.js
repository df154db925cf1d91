// Calls to the dashboard's API. Every state-changing call carries the session's CSRF token
// (the server also checks the Origin); a lost session goes back to sign-in.
// The page's language goes with every call (X-Dashboard-Language), so a refusal's `message` is in the page's words.
import { locale, t } from './texts.js';

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** GET (default) or POST `path`; resolves with the JSON body, rejects with the server's error text (its `message` in the page's language where it has one). */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: { 'x-dashboard-language': locale, ...method === 'GET' ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrf } },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    location.href = '/admin/sign-in';
    throw new Error(t('signedOut'));
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.message ?? data.error ?? `${res.status} ${res.statusText}`);
  return data;
}
