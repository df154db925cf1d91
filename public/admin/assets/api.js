// Calls to the dashboard's API. Every state-changing call carries the session's CSRF token
// (the server also checks the Origin); a lost session goes back to sign-in.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? '';

/** GET (default) or POST `path`; resolves with the JSON body, rejects with the server's error text. */
export async function api(path, { method = 'GET', body } = {}) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: method === 'GET' ? {} : { 'content-type': 'application/json', 'x-csrf-token': csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    location.href = '/admin/sign-in';
    throw new Error('signed out');
  }
  const data = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(data.error ?? `${res.status} ${res.statusText}`);
  return data;
}
