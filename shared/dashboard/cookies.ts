/** The request's cookies by name (the first of a repeated name wins, as browsers order them most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    if (!name || cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(part.slice(eq + 1).trim()));
    } catch {
      // A malformed value is no cookie of ours.
    }
  }
  return cookies;
}

/** A Set-Cookie value; always HttpOnly (no script of the page needs a cookie). */
export function serializeCookie(name: string, value: string, o: { path: string; maxAgeSeconds: number; secure: boolean; sameSite: 'Strict' | 'Lax' }): string {
  return [`${name}=${encodeURIComponent(value)}`, `Path=${o.path}`, `Max-Age=${Math.max(0, Math.floor(o.maxAgeSeconds))}`, 'HttpOnly',
    `SameSite=${o.sameSite}`, ...(o.secure ? ['Secure'] : [])].join('; ');
}
