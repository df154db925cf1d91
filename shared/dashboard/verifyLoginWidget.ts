import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Who the Login Widget says signed in. */
export interface WidgetLogin {
  id: number;
  firstName?: string;
  username?: string;
}

/** Why a Login Widget redirect was refused. */
export type WidgetRefusal = 'missing' | 'bad-hash' | 'stale' | 'future';

/**
 * Checks the Login Widget's signed redirect (`data-auth-url`) as Telegram documents it: the
 * data-check-string is every received field but `hash`, sorted, as `key=value` lines; the hash
 * is hex HMAC-SHA256 of it keyed with SHA-256(bot token). `auth_date` must be at most
 * `maxAgeSeconds` old ("to prevent the use of outdated data") and not in the future beyond a
 * minute of clock skew.
 *
 * Every field is in the string, as documented, so a field Telegram adds later still checks,
 * and a parameter anyone else adds breaks the hash.
 */
export function verifyLoginWidget(query: URLSearchParams, botToken: string, options: { nowMs: number; maxAgeSeconds: number }):
  { ok: true; login: WidgetLogin } | { ok: false; reason: WidgetRefusal } {
  const hash = query.get('hash');
  const id = query.get('id');
  const authDate = query.get('auth_date');
  if (!hash || !id || !authDate || !/^\d+$/.test(id) || !/^\d+$/.test(authDate) || !/^[0-9a-f]{64}$/.test(hash)) return { ok: false, reason: 'missing' };
  const lines = [...query.entries()].filter(([k]) => k !== 'hash').map(([k, v]) => `${k}=${v}`).sort();
  const key = createHash('sha256').update(botToken).digest();
  const expected = createHmac('sha256', key).update(lines.join('\n')).digest();
  // Constant time: a comparison that stops at the first differing byte tells an attacker, by
  // its timing, how much of a forged hash is right.
  if (!timingSafeEqual(expected, Buffer.from(hash, 'hex'))) return { ok: false, reason: 'bad-hash' };
  const ageSeconds = options.nowMs / 1000 - Number(authDate);
  if (ageSeconds > options.maxAgeSeconds) return { ok: false, reason: 'stale' };
  if (ageSeconds < -60) return { ok: false, reason: 'future' };
  return { ok: true, login: { id: Number(id), firstName: query.get('first_name') ?? undefined, username: query.get('username') ?? undefined } };
}

/**
 * Signs Login Widget fields as Telegram does: for the sandbox's "sign in as" link and tests,
 * which play Telegram's part. Returns the query string the widget would redirect with.
 */
export function signLoginWidget(fields: Record<string, string | number>, botToken: string): URLSearchParams {
  const lines = Object.entries(fields).map(([k, v]) => `${k}=${v}`).sort();
  const key = createHash('sha256').update(botToken).digest();
  const hash = createHmac('sha256', key).update(lines.join('\n')).digest('hex');
  return new URLSearchParams({ ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, String(v)])), hash });
}
