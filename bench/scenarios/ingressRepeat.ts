import { DEFAULT_POOL_MAX } from '../../shared/ingress/ingressConfig.js';
import { freshDatabase } from '../freshDatabase.js';
import type { GoalCheck, ResultRow, Scenario } from '../scenarioResult.js';
import { ingressGoals, ingressRow, measureServer } from './ingressLatency.js';

/** Pools compared, alternating, each started twice. */
const POOLS = [DEFAULT_POOL_MAX, 2, DEFAULT_POOL_MAX, 2];
/** Consecutive measured runs at 1,000 updates/s per server start. */
const RUNS = 3;

/**
 * The ingress p99 at 1,000 updates/s again and again: one 5 s run is 50 requests deep at the
 * p99, and a goal at the edge of the noise needs more than one sample per setting to be read.
 * The same server (`api/telegram.ts`) started once per pool in turn, three runs after each start
 * (each with its own 1 s warm-up, and no longer warm-up of the server, unlike ingress-latency):
 * the first run after a start is still warming up V8 and the connections, and is reported apart.
 */
export const ingressRepeat: Scenario = {
  name: 'ingress-repeat',
  title: 'Ingress p99 at 1,000 updates/s, repeated',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'ingress_repeat');
    const rows: ResultRow[] = [];
    const goals: GoalCheck[] = [];
    const loads: string[] = [];
    try {
      for (const [start, pool] of POOLS.entries()) {
        const runs = await measureServer({ db, databaseUrl: db.url, file: 'bench/servers/ourWebhookServer.ts', pool, rates: Array(RUNS).fill(1000), serverWarmup: false, progress: () => progress(`pool ${pool}, start ${start + 1}`) });
        for (const [i, { load, result }] of runs.entries()) {
          loads.push(load);
          const as = `ours, pool ${pool}${pool === DEFAULT_POOL_MAX ? ' (default)' : ''}, start ${start + 1} run ${i + 1}${i === 0 ? ' (first after start)' : ''}`;
          rows.push(ingressRow(`${as} @ 1000/s`, result));
          goals.push(...ingressGoals(as, 1000, result));
        }
      }
    } finally {
      await db.drop();
    }
    return {
      scenario: this.name,
      rows,
      goals,
      notes: [`as ingress-latency, ours only at 1,000/s, ${RUNS} consecutive runs per server start, pools ${POOLS.join(', ')} in turn; load average at each run: ${loads.join(', ')}`],
    };
  },
};
