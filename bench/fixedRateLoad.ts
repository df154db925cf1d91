import { Agent, request } from 'node:http';
import { summarize, type LatencySummary } from './percentiles.js';

/** Options for {@link fixedRateLoad}. */
export interface FixedRateLoadOptions {
  url: string;
  /** Requests per second, sent on a fixed schedule whatever the responses do (open loop). */
  rate: number;
  durationMs: number;
  /** Body of the i-th request (0-based). */
  body(i: number): string;
  headers?: Record<string, string>;
  /**
   * Keep-alive connections at most. Default 40: Telegram's default `max_connections` for a
   * webhook, so requests beyond it wait for a connection here as they would at Telegram.
   */
  maxSockets?: number;
  /**
   * A request unanswered this long after it was sent (waiting for a connection included) is
   * abandoned and counted as an error, which also bounds a run against a server that cannot
   * keep up. Default 5000 ms.
   */
  timeoutMs?: number;
}

/** What one fixed-rate run measured. */
export interface FixedRateLoadResult {
  sent: number;
  /** 2xx responses. */
  ok: number;
  /** Non-2xx responses, connection errors and timeouts. */
  errors: number;
  /** Error kinds and counts, e.g. `{ "503": 3, "ECONNRESET": 1 }`. */
  errorKinds: Record<string, number>;
  /** From the moment a request was handed to the HTTP client to its response's end, 2xx only. */
  latency: LatencySummary;
  /** How late the generator sent, against its schedule: its own stalls show here, not as latency. */
  sendLag: LatencySummary;
  /** 2xx responses per second, from the first send to the last 2xx response. */
  completedPerSecond: number;
}

/**
 * Posts requests at a fixed rate for a fixed time, like wrk2 or autocannon's `overallRate`,
 * measuring each request's latency. Sends are driven by a 1 ms timer: every tick sends all
 * requests whose time has come, so a slow server cannot slow the offered load down
 * (no coordinated omission), and a generator that falls behind shows up in `sendLag`.
 */
export function fixedRateLoad(options: FixedRateLoadOptions): Promise<FixedRateLoadResult> {
  const url = new URL(options.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 40 });
  const timeoutMs = options.timeoutMs ?? 5000;
  const total = Math.max(1, Math.round((options.rate * options.durationMs) / 1000));
  const latencies: number[] = [];
  const lags: number[] = [];
  const errorKinds: Record<string, number> = {};
  let ok = 0;
  let errors = 0;
  let finished = 0;
  let lastOk = 0;

  return new Promise((resolve) => {
    const start = performance.now();
    const done = () => {
      finished++;
      if (finished < total) return;
      agent.destroy();
      resolve({
        sent: total,
        ok,
        errors,
        errorKinds,
        latency: summarize(latencies),
        sendLag: summarize(lags),
        completedPerSecond: ok === 0 ? 0 : (ok * 1000) / (lastOk - start),
      });
    };
    const fail = (kind: string) => {
      errors++;
      errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
      done();
    };
    const fire = (i: number) => {
      const body = options.body(i);
      const sentAt = performance.now();
      let settled = false;
      const req = request({
        agent,
        method: 'POST',
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        headers: { ...options.headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            ok++;
            lastOk = performance.now();
            latencies.push(lastOk - sentAt);
            done();
          } else {
            fail(String(status));
          }
        });
      });
      const timer = setTimeout(() => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        if (settled) return;
        settled = true;
        fail(err.code ?? err.message);
      });
      req.end(body);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      for (; next < total; next++) {
        const due = start + (next * 1000) / options.rate;
        if (due > now) break;
        lags.push(now - due);
        fire(next);
      }
      if (next < total) setTimeout(tick, 1);
    };
    tick();
  });
}
