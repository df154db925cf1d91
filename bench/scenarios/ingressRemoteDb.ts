import { DEFAULT_POOL_MAX } from '../../shared/ingress/ingressConfig.js';
import { freshDatabase } from '../freshDatabase.js';
import type { GoalCheck, ResultRow, Scenario } from '../scenarioResult.js';
import { spawnServer } from '../spawnServer.js';
import { ingressGoals, ingressRow, measureServer } from './ingressLatency.js';

/**
 * The round trip to the database, in ms (BENCH_DB_RTT_MS, default 2). Vercel's function and
 * Supabase's pooler in the same cloud region are about 1-2 ms apart; in different regions,
 * tens of ms: try both.
 */
const RTT_MS = Number(process.env.BENCH_DB_RTT_MS ?? 2);
const RATES = [1000, 3000];
const POOLS = [2, DEFAULT_POOL_MAX, 10];

/**
 * Scenario 1 again, with the database a round trip away: which pool size the webhook should
 * have where it is deployed. On loopback a statement costs the server's CPU and nothing else,
 * so fewer connections (bigger batches, fewer commits) win; with a round trip per statement,
 * each connection can commit at most one batch per round trip, and the pool bounds how many
 * are in flight. The same api/telegram.ts in its own process, through a TCP proxy that holds
 * every chunk half the round trip each way.
 */
export const ingressRemoteDb: Scenario = {
  name: 'ingress-remote-db',
  title: `Ingress latency with the database ${RTT_MS} ms away`,
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'ingress_remote');
    // The proxy in a process of its own: in the bench's, the load generator's stalls would add to its delay.
    const proxy = await spawnServer('bench/servers/latencyProxyServer.ts', { PROXY_TARGET: db.url, PROXY_ONE_WAY_MS: String(RTT_MS / 2) }, '');
    const proxyUrl = new URL(db.url);
    proxyUrl.port = new URL(proxy.url).port;
    const rows: ResultRow[] = [];
    const goals: GoalCheck[] = [];
    const loads: string[] = [];
    try {
      for (const pool of POOLS) {
        const runs = await measureServer({ db, databaseUrl: proxyUrl.toString(), file: 'bench/servers/ourWebhookServer.ts', pool, rates: RATES, progress: (rate) => progress(`ours, pool ${pool}, database ${RTT_MS} ms away @ ${rate}/s`) });
        for (const { rate, load, result } of runs) {
          loads.push(load);
          rows.push(ingressRow(`ours (api/telegram.ts), pool ${pool}, database ${RTT_MS} ms away @ ${rate}/s`, result));
          goals.push(...ingressGoals(`ours, pool ${pool}${pool === DEFAULT_POOL_MAX ? ' (default)' : ''}, database ${RTT_MS} ms away`, rate, result));
        }
      }
    } finally {
      await proxy.stop();
      await db.drop();
    }
    return {
      scenario: this.name,
      rows,
      goals,
      notes: [
        `as ingress-latency (own process, open-loop fixed rate, at most 40 connections, 1 s warm-up, 5 s measured), with the webhook's database connections through a TCP proxy adding ${RTT_MS} ms per round trip (BENCH_DB_RTT_MS; Node's timers make it about 1 ms coarser); load average at each run: ${loads.join(', ')}`,
      ],
    };
  },
};
