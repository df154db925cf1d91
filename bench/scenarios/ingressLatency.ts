import { DEFAULT_POOL_MAX } from '../../shared/ingress/ingressConfig.js';
import { fixedRateLoad } from '../fixedRateLoad.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { startCommandUpdate } from '../sampleUpdate.js';
import { checkGoal, type GoalCheck, type ResultRow, type Scenario } from '../scenarioResult.js';
import { spawnServer } from '../spawnServer.js';

const RATES = [100, 1000, 3000];
const WARMUP_MS = 1000;
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

/** Scenario 1: the webhook's latency at fixed update rates, against grammY inline and the floor. */
export const ingressLatency: Scenario = {
  name: 'ingress-latency',
  title: 'Ingress latency at fixed rates',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'ingress');
    const rows: ResultRow[] = [];
    const goals: GoalCheck[] = [];
    const loads: string[] = [];
    let updateId = 1;
    try {
      for (const pool of POOLS) for (const target of TARGETS.filter((t) => t.pools.includes(pool))) {
        if (target.setup) await db.sql.unsafe(target.setup);
        const server = await spawnServer(target.file, {
          DATABASE_URL: db.url, TELEGRAM_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn', INGRESS_DB_POOL_MAX: String(pool),
        });
        try {
          for (const rate of RATES) {
            const load = (durationMs: number) => fixedRateLoad({
              url: server.url,
              rate,
              durationMs,
              headers: { 'x-telegram-bot-api-secret-token': SECRET },
              body: () => {
                const id = updateId++;
                return JSON.stringify(startCommandUpdate(id, 1_000_000 + (id % USERS)));
              },
            });
            progress(`${target.subject}, pool ${pool} @ ${rate}/s`);
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
            loads.push(machineLoad());
            const r = await load(MEASURE_MS);
            rows.push({
              subject: `${target.subject}, pool ${pool} @ ${rate}/s`,
              values: {
                p50_ms: r.latency.p50, p99_ms: r.latency.p99, max_ms: r.latency.max, errors: r.errors,
                answered_per_s: r.completedPerSecond, sent: r.sent, send_lag_p99_ms: r.sendLag.p99,
              },
            });
            if (r.errors > 0) progress(`  errors: ${JSON.stringify(r.errorKinds)}`);
            if (target.subject.startsWith('ours')) {
              const as = `ours, pool ${pool}${pool === DEFAULT_POOL_MAX ? ' (default)' : ''}`;
              if (rate === 1000) goals.push(checkGoal(`${as}: p99 at 1,000 updates/s`, r.latency.p99, '<=', 10, 'ms'));
              if (rate === 3000) {
                goals.push(checkGoal(`${as}: errors at 3,000 updates/s`, r.errors, '<=', 0, 'errors'));
                goals.push(checkGoal(`${as}: answered at 3,000 updates/s (sustained)`, r.completedPerSecond, '>=', 0.99 * rate, 'updates/s'));
              }
            }
          }
        } finally {
          await server.stop();
          if (target.teardown) await db.sql.unsafe(target.teardown);
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
        `open-loop fixed-rate load (1 ms timer, at most 40 keep-alive connections like Telegram's default max_connections), ${WARMUP_MS} ms warm-up then ${MEASURE_MS} ms measured per rate; latency from handing the request to the HTTP client to the end of the response (a request unanswered after 5 s is abandoned and counted as an error); distinct /start updates from ${USERS} chats`,
      ],
    };
  },
};
