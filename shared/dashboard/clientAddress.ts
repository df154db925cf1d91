import type { IncomingMessage } from 'node:http';
import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a dashboard request came from, as the sign-in limit counts it.
 *
 * With `trustProxyHeaders` (api/admin.ts, on Vercel): `x-real-ip`, else the first entry of
 * `x-forwarded-for`. Vercel's edge sets both to the address the connection to the edge came
 * from and overwrites an `X-Forwarded-For` the client sent ("we currently overwrite the
 * X-Forwarded-For header and do not forward external IPs", vercel.com/docs/headers/request-headers;
 * `ipAddress()` of @vercel/functions reads `x-real-ip`), and a function is reachable only
 * through the edge, so the client cannot choose them. The socket there is Vercel's, the same
 * for everyone.
 *
 * Without it (`npm start`, tests): the socket's address. Nothing sits in front of `npm start`,
 * so these headers are whatever the client wrote, and trusting them would let anyone take a
 * new address for every attempt. A local browser is 127.0.0.1, so everyone on the machine
 * shares one limit; put a proxy in front and every client shares the proxy's.
 */
export function clientAddressOf(req: IncomingMessage, trustProxyHeaders: boolean): string {
  const header = (name: string) => {
    const value = req.headers[name];
    return (Array.isArray(value) ? value[0] : value)?.split(',')[0]?.trim() || undefined;
  };
  const forwarded = trustProxyHeaders ? header('x-real-ip') ?? header('x-forwarded-for') : undefined;
  return limitKeyOf(forwarded ?? req.socket.remoteAddress ?? 'unknown');
}

/**
 * The key an address is counted under: IPv4 as it is (an IPv4-mapped IPv6 address as its
 * IPv4), IPv6 by its /64 (`2001:db8:0:1::/64`): a host is given a whole /64 and could take a
 * new address in it for every attempt. Anything else (a proxy that sent no address) is kept
 * as sent, cut to 64 characters: still one key, so it is still limited.
 */
export function limitKeyOf(address: string): string {
  const ip = address.trim().replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(ip)) return ip;
  if (isIPv6(ip)) return `${groupsOf(ip).slice(0, 4).join(':')}::/64`;
  return ip.slice(0, 64);
}

/** The eight 16-bit groups of a valid IPv6 address, in lower-case hex without leading zeros. */
function groupsOf(ip: string): string[] {
  const [head = '', tail] = ip.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  // An embedded IPv4 (`::1.2.3.4`) is the last two groups; only the first four are used here.
  const width = (list: string[]) => list.reduce((n, p) => n + (p.includes('.') ? 2 : 1), 0);
  const left = parts(head);
  const right = tail === undefined ? [] : parts(tail);
  const zeros = tail === undefined ? [] : Array<string>(8 - width(left) - width(right)).fill('0');
  return [...left, ...zeros, ...right].map((g) => (g.includes('.') ? g : parseInt(g, 16).toString(16)));
}
