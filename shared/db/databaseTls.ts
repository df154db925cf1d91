import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';

/** How a connection to the database is protected, as {@link resolveDatabaseTls} decided. */
export interface DatabaseTls {
  /** The URL without `sslmode` and `sslrootcert`, which postgres.js would otherwise send to the server as settings. */
  url: string;
  /** postgres.js's `ssl` option. */
  ssl: false | 'require' | { ca?: string; rejectUnauthorized: true; servername?: string };
  /** `plain` (loopback, or told to), `encrypted` (the certificate is not checked) or `verified`. */
  mode: 'plain' | 'encrypted' | 'verified';
}

/** Loopback names and addresses, and Unix sockets: traffic that never leaves the machine. */
export function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === '' || h.startsWith('/') || h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * Decides TLS for a PostgreSQL URL. postgres.js defaults to plain text, and nothing asked for
 * TLS, so against Supabase the password crossed the network in the clear.
 *
 * - A host that is not loopback gets TLS. With a CA certificate (`caCert`, Supabase's is under
 *   Database → SSL Configuration in its dashboard; or `sslrootcert=<file>` in the URL) the
 *   server's certificate is verified; `sslmode=verify-full` or `sslrootcert=system` verify it
 *   against the system's CAs (providers whose certificates chain to a public CA). Without
 *   either it is encrypted but not verified, as libpq's `sslmode=require`, since Supabase signs
 *   its certificates with its own CA.
 * - `sslmode=prefer` and `allow` would fall back to plain text when the server (or someone in
 *   between) declines TLS; they are treated as `require`.
 * - Plain text only to loopback (and the embedded database), or when the URL says
 *   `sslmode=disable` for a private network the operator trusts.
 */
export function resolveDatabaseTls(rawUrl: string, options: { caCert?: string } = {}): DatabaseTls {
  const url = new URL(rawUrl);
  const sslmode = url.searchParams.get('sslmode');
  const rootcert = url.searchParams.get('sslrootcert');
  url.searchParams.delete('sslmode');
  url.searchParams.delete('sslrootcert');
  const clean = url.toString();
  const host = decodeURIComponent(url.hostname);
  const local = isLocalHost(host) || (url.searchParams.get('host')?.startsWith('/') ?? false);

  if (sslmode === 'disable') return { url: clean, ssl: false, mode: 'plain' };
  if (local && sslmode === null && !rootcert && !options.caCert) return { url: clean, ssl: false, mode: 'plain' };
  const servername = isIP(host) ? undefined : host;
  const ca = options.caCert ?? (rootcert && rootcert !== 'system' ? readFileSync(rootcert, 'utf8') : undefined);
  if (ca) return { url: clean, ssl: { ca, rejectUnauthorized: true, servername }, mode: 'verified' };
  if (sslmode === 'verify-full' || sslmode === 'verify-ca' || rootcert === 'system') {
    return { url: clean, ssl: { rejectUnauthorized: true, servername }, mode: 'verified' };
  }
  return { url: clean, ssl: 'require', mode: 'encrypted' };
}
