import { EventEmitter } from 'node:events';
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/** How the proxy treats connections, as a failing network would. */
export type ProxyMode =
  /** Forwards both ways. */
  | 'pass'
  /** The port refuses connections (the database is down): existing ones are reset too. */
  | 'refuse'
  /** Accepts, then resets every connection, new and existing. */
  | 'reset'
  /** A silent partition: connections stay open, nothing is forwarded either way. */
  | 'freeze'
  /**
   * A partition that breaks one way: requests reach the server, its answers are held (the
   * server did the work; the client never hears of it).
   */
  | 'freeze-answers';

/**
 * A TCP proxy in front of a server (PostgreSQL in the tests) that can refuse, reset or freeze
 * connections, to test what a client does when the network fails in each of these ways.
 * `events` emits `held` each time a chunk is held by a freeze and `closed` when a connection
 * closes, for tests to wait on. Bytes held for a connection that closes are dropped, as a
 * closed socket stops retransmitting: they never arrive, however the partition ends.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = 'pass';
  const events = new EventEmitter();
  const pairs = new Set<{ client: Socket; upstream: Socket; held: Buffer[][] }>();
  let server: Server;
  let port = 0;

  const onConnection = (client: Socket) => {
    if (mode === 'reset') return void client.resetAndDestroy();
    const upstream = connect(target.port, target.host);
    const pair = { client, upstream, held: [[], []] as Buffer[][] };
    pairs.add(pair);
    const forward = (from: Socket, to: Socket, heldIndex: number) => from.on('data', (chunk: Buffer) => {
      if (mode === 'freeze' || (mode === 'freeze-answers' && heldIndex === 1)) {
        pair.held[heldIndex]!.push(chunk);
        events.emit('held');
      } else {
        to.write(chunk);
      }
    });
    forward(client, upstream, 0);
    forward(upstream, client, 1);
    const close = () => {
      if (!pairs.delete(pair)) return;
      client.destroy();
      upstream.destroy();
      events.emit('closed');
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  };

  const listen = () => new Promise<void>((resolve) => {
    server = createServer(onConnection);
    server.listen(port, '127.0.0.1', () => {
      port = (server.address() as AddressInfo).port;
      resolve();
    });
  });
  await listen();

  return {
    get port() { return port; },
    get url() { return `postgres://postgres@127.0.0.1:${port}`; },
    /** Connections open through the proxy. */
    get connections() { return pairs.size; },
    events,
    /** Changes how connections are treated from now on; see {@link ProxyMode}. */
    async setMode(next: ProxyMode): Promise<void> {
      const previous = mode;
      mode = next;
      if (next === 'reset' || next === 'refuse') for (const p of pairs) { p.client.resetAndDestroy(); p.upstream.destroy(); }
      if (next === 'refuse') await new Promise<void>((r) => server.close(() => r()));
      if (previous === 'refuse' && next !== 'refuse') await listen();
      if ((previous === 'freeze' || previous === 'freeze-answers') && next === 'pass') {
        // The partition heals: what was held goes through, in order.
        for (const p of pairs) {
          for (const chunk of p.held[0]!.splice(0)) p.upstream.write(chunk);
          for (const chunk of p.held[1]!.splice(0)) p.client.write(chunk);
        }
      }
    },
    async close(): Promise<void> {
      for (const p of pairs) { p.client.destroy(); p.upstream.destroy(); }
      if (mode !== 'refuse') await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
