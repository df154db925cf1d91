import { type AddressInfo, type Socket, createServer, connect } from 'node:net';

/** A TCP proxy on loopback that delays what it forwards. */
export interface LatencyProxy {
  /** `url` with its host and port replaced by the proxy's. */
  url: string;
  close(): Promise<void>;
}

/**
 * Forwards TCP connections to `target`'s host and port, holding every chunk `oneWayMs` in each
 * direction, in order: a PostgreSQL client behind it sees a server `2 × oneWayMs` away, as the
 * webhook on Vercel sees Supabase's pooler (a statement costs a round trip however small it is).
 * Bandwidth is not limited, and the delay is Node's timer resolution (about 1 ms) at best.
 */
export async function startLatencyProxy(target: string, oneWayMs: number): Promise<LatencyProxy> {
  const to = new URL(target);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(to.port || 5432), to.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.setNoDelay(true);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => { client.destroy(); upstream.destroy(); });
    }
    delayed(client, upstream, oneWayMs);
    delayed(upstream, client, oneWayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as AddressInfo).port);
  return {
    url: url.toString(),
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}

/** Pipes `from` into `to`, each chunk `ms` after it arrived, in order (one queue, one timer at a time). */
function delayed(from: Socket, to: Socket, ms: number) {
  const queue: { at: number; chunk: Buffer | null }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const drain = () => {
    timer = undefined;
    while (queue.length && queue[0]!.at <= performance.now()) {
      const { chunk } = queue.shift()!;
      if (to.destroyed) return;
      if (chunk === null) to.end();
      else to.write(chunk);
    }
    if (queue.length) timer = setTimeout(drain, queue[0]!.at - performance.now());
  };
  const push = (chunk: Buffer | null) => {
    queue.push({ at: performance.now() + ms, chunk });
    timer ??= setTimeout(drain, ms);
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push(null));
}
