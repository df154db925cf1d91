// A TCP proxy that delays what it forwards (bench/latencyProxy.ts) in its own process, so the
// load generator's stalls do not add to the delay. PROXY_TARGET: the database URL to forward
// to; PROXY_ONE_WAY_MS: the delay each way. Prints {"port"} as the other bench servers do.
import { startLatencyProxy } from '../latencyProxy.js';

const proxy = await startLatencyProxy(process.env.PROXY_TARGET!, Number(process.env.PROXY_ONE_WAY_MS));
process.stdout.write(`${JSON.stringify({ port: Number(new URL(proxy.url).port) })}\n`);
process.on('SIGTERM', () => void proxy.close().finally(() => process.exit(0)));
