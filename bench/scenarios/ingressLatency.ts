import { DEFAULT_POOL_MAX } from '../../shared/ingress/ingressConfig.js';
import { type FixedRateLoadResult, fixedRateLoad } from '../fixedRateLoad.js';
import { type FreshDatabase, freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { startCommandUpdate } from '../sampleUpdate.js';
import { checkGoal, type GoalCheck, type ResultRow, type Scenario } from '../scenarioResult.js';
import { spawnServer } from '../spawnServer.js';

const RATES = [100, 1000, 3000];
const WARMUP_MS = 1000;
/** Each server's warm-up at 1,000/s when it has started, before its first rate's own warm-up. */
const SERVER_WARMUP_MS = 3000;
const MEASURE_MS = 5000;
const SECRET = 'bench_secret-123';
/** Updates come from this many chats, as from a bot's active users. */
const USERS = 5000;

/**
 * Pool sizes: DEFAULT_POOL_MAX (4) is api/telegram.ts's default (INGRESS_DB_POOL_MAX). The
 * webhook sends at most one statement per connection and batches the updates that arrive
 * meanwhile (shared/ingress/createUpdateRecorder.ts), so the pool bounds commits in flight;
 * 2 (the old default) and 10 show what fewer and more connections do. The references get the
 * same pool as ours in each row, with one statement per update (they do not batch).
 */
const POOLS = [2, DEFAULT_POOL_MAX, 10];
const REFERENCE_POOLS = [DEFAULT_POOL_MAX, 10];

interface Target {
  subject: string;
  file: string;
  pools: number[];
  /** SQL run on the bench database before and after this target (diagnostics only). */
  setup?: string;
  teardown?: string;
}

const TARGETS: Target[] = [
  { subject: 'select 1 (floor)', file: 'bench/servers/selectOneServer.ts', pools: REFERENCE_POOLS },
  { subject: 'grammY webhookCallback', file: 'bench/servers/grammyWebhookServer.ts', pools: REFERENCE_POOLS },
  { subject: 'ours (api/telegram.ts)', file: 'bench/servers/ourWebhookServer.ts', pools: POOLS },
  // The NOTIFY left the webhook's transaction (migration jobs_notify_explicit: it serialised
  // commits). What remains per update beyond a plain insert is mostly the chat key's
  // before-insert trigger (an advisory lock and an index probe); this row shows its cost.
  {
    subject: 'diagnostic: ours without the chat-key trigger',
    file: 'bench/servers/ourWebhookServer.ts',
    pools: [DEFAULT_POOL_MAX],
    setup: 'alter table jobs disable trigger jobs_take_key_on_insert',
    teardown: 'alter table jobs enable trigger jobs_take_key_on_insert',
  },
];

/** One server measured at each rate: its result and the load average when the run began. */
export interface IngressRun {
  rate: number;
  load: string;
  result: FixedRateLoadResult;
}

/**
 * Runs a bench/servers/*.ts webhook in its own process on `databaseUrl` with `pool` connections
 * and puts it under each fixed rate: a warm-up, the queue tables emptied, then the measured run.
 */
export async function measureServer(options: {
  db: FreshDatabase; databaseUrl: string; file: string; pool: number; rates: readonly number[];
  setup?: string; teardown?: string; progress(rate: number): void;
  /** Whether to warm the server up once started ({@link SERVER_WARMUP_MS} at 1,000/s before the first rate). Default true. */
  serverWarmup?: boolean;
}): Promise<IngressRun[]> {
  const { db } = options;
  const runs: IngressRun[] = [];
  if (options.setup) await db.sql.unsafe(options.setup);
  const server = await spawnServer(options.file, {
    DATABASE_URL: options.databaseUrl, TELEGRAM_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', INGRESS_DB_POOL_MAX: String(options.pool),
  });
  try {
    let warm = !(options.serverWarmup ?? true);
    for (const rate of options.rates) {
      const load = (durationMs: number, at = rate) => fixedRateLoad({
        url: server.url,
        rate: at,
        durationMs,
        headers: { 'x-telegram-bot-api-secret-token': SECRET },
        body: () => {
          const id = nextUpdateId++;
          return JSON.stringify(startCommandUpdate(id, 1_000_000 + (id % USERS)));
        },
      });
      options.progress(rate);
      // A deployed instance serving 1,000 updates/s has been serving for more than a second:
      // the first seconds of a fresh server measure V8 compiling the handler (p99 22-186 ms at
      // 1,000/s in ingress-repeat's first runs), which is the cold start's goal, not this one's.
      if (!warm) { await load(SERVER_WARMUP_MS, 1000); warm = true; }
      await load(WARMUP_MS);
      // Statements of warm-up requests the load generator abandoned may still run; the
      // truncate can deadlock with one of them (its locks come in the other order).
      for (let attempt = 1; ; attempt++) {
        try {
          await db.sql`truncate jobs, processed_webhooks`;
          break;
        } catch (err) {
          if ((err as { code?: string }).code !== '40P01' || attempt === 5) throw err;
        }
      }
      const machine = machineLoad();
      runs.push({ rate, load: machine, result: await load(MEASURE_MS) });
    }
  } finally {
    await server.stop();
    if (options.teardown) await db.sql.unsafe(options.teardown);
  }
  return runs;
}
/** Update ids for every run of the bench process: distinct, so no run's update is a duplicate of another's. */
let nextUpdateId = 1;

/** A result row for one run. */
export function ingressRow(subject: string, r: FixedRateLoadResult): ResultRow {
  return {
    subject,
    values: {
      p50_ms: r.latency.p50, p99_ms: r.latency.p99, max_ms: r.latency.max, errors: r.errors,
      answered_per_s: r.completedPerSecond, sent: r.sent, send_lag_p99_ms: r.sendLag.p99,
    },
  };
}

/** The ingress goals a run of ours at `rate` is checked against (p99 at 1,000/s; 3,000/s sustained, no errors). */
export function ingressGoals(as: string, rate: number, r: FixedRateLoadResult): GoalCheck[] {
  if (rate === 1000) return [checkGoal(`${as}: p99 at 1,000 updates/s`, r.latency.p99, '<=', 10, 'ms')];
  if (rate === 3000) {
    return [
      checkGoal(`${as}: errors at 3,000 updates/s`, r.errors, '<=', 0, 'errors'),
      checkGoal(`${as}: answered at 3,000 updates/s (sustained)`, r.completedPerSecond, '>=', 0.99 * rate, 'updates/s'),
    ];
  }
  return [];
}

/** Scenario 1: the webhook's latency at fixed update rates, against grammY inline and the floor. */
export const ingressLatency: Scenario = {
  name: 'ingress-latency',
  title: 'Ingress latency at fixed rates',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'ingress');
    const rows: ResultRow[] = [];
    const goals: GoalCheck[] = [];
    const loads: string[] = [];
    try {
      for (const pool of POOLS) for (const target of TARGETS.filter((t) => t.pools.includes(pool))) {
        const runs = await measureServer({ db, databaseUrl: db.url, file: target.file, pool, rates: RATES, setup: target.setup, teardown: target.teardown, progress: (rate) => progress(`${target.subject}, pool ${pool} @ ${rate}/s`) });
        for (const { rate, load, result: r } of runs) {
          loads.push(load);
          rows.push(ingressRow(`${target.subject}, pool ${pool} @ ${rate}/s`, r));
          if (r.errors > 0) progress(`  errors: ${JSON.stringify(r.errorKinds)}`);
          if (target.subject.startsWith('ours')) goals.push(...ingressGoals(`ours, pool ${pool}${pool === DEFAULT_POOL_MAX ? ' (default)' : ''}`, rate, r));
        }
      }
    } finally {
      await db.drop();
    }
    return {
      scenario: this.name,
      rows,
      goals,
      notes: [
        `each server runs in its own Node process on 127.0.0.1 with the pool size shown (${DEFAULT_POOL_MAX} is api/telegram.ts's default; prepare: false); ours batches the updates that arrive while its connections are busy, the references run one statement per update, the load generator in the bench process; both share the machine's cores with PostgreSQL`,
        `1-minute load average at the start of each measured run: ${loads.join(', ')} (2 cores; other processes on the machine included)`,
        `open-loop fixed-rate load (1 ms timer, at most 40 keep-alive connections like Telegram's default max_connections), each server warmed for ${SERVER_WARMUP_MS} ms at 1,000/s once started, then ${WARMUP_MS} ms warm-up and ${MEASURE_MS} ms measured per rate; latency from handing the request to the HTTP client to the end of the response (a request unanswered after 5 s is abandoned and counted as an error); distinct /start updates from ${USERS} chats`,
      ],
    };
  },
};
