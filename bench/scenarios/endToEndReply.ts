import { availableParallelism } from 'node:os';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { DEFAULT_POOL_MAX } from '../../shared/ingress/ingressConfig.js';
import { buildDist } from '../buildDist.js';
import { databaseCpu, databaseCpuSince, processCpuMs } from '../cpuTime.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { checkGoal, type Scenario, type ScenarioResult } from '../scenarioResult.js';
import { sleep } from '../sleep.js';
import { spawnServer } from '../spawnServer.js';
import { spawnWorker, workerNodeArgs } from '../spawnWorker.js';
import { waitFor } from '../waitFor.js';

/** The MVP plan's load test: this many users send /start at the same moment. */
const USERS = 100;
/** Bursts, each from new users (a user's second /start is a different path: welcome back). */
const BURSTS = 3;
const SECRET = 'bench_secret-123';
const CORES = availableParallelism();

/**
 * Scenario 5: the whole product on loopback, each part in its own process as deployed: the
 * Telegram emulator (bench process) posts `/start` from 100 users at once to the webhook
 * (api/telegram.ts over HTTP), the compiled worker runs the bot, and the reply reaches the
 * emulator's Bot API. Measured per user from the post to the reply arriving.
 */
export const endToEndReply: Scenario = {
  name: 'end-to-end-reply',
  title: `End-to-end reply: /start from ${USERS} users at once`,
  async run({ serverUrl, progress }): Promise<ScenarioResult> {
    progress('building dist/ (npm run build)');
    await buildDist();
    const db = await freshDatabase(serverUrl, 'reply');
    const telegram = await TelegramEmulator.start();
    const webhook = await spawnServer('bench/servers/ourWebhookServer.ts', { DATABASE_URL: db.url, TELEGRAM_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn' });
    const worker = spawnWorker({ DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn' }, workerNodeArgs());
    const latencies: number[] = [];
    /** Per user: sent (Date.now(), the emulator's clock), to split the time at the webhook's 200. */
    const traces: { updateId: number; chatId: number; sentAt: number }[] = [];
    const ingress: number[] = [];
    const queueAndBot: number[] = [];
    const loads: string[] = [];
    /** CPU ms per /start of each part over the bursts (the bound on a burst's drain time). */
    let cpuPerUpdate: Record<string, number> | undefined;
    try {
      telegram.setWebhook({ url: webhook.url, secret_token: SECRET });
      await waitFor('the worker to call getMe', () => telegram.callsTo('getMe').length > 0, 30_000);
      await sleep(1000);
      // One unmeasured burst first: connections open and the code compiled by V8's optimiser (its
      // threads' CPU counts in the worker's), as in a deployment that has been running.
      const warm = Array.from({ length: USERS }, (_, i) => telegram.createUser({ first_name: `Warm ${i}`, language_code: 'en' }));
      await Promise.all(warm.map((user) => {
        user.sendCommand('/start');
        return telegram.waitForBotMessage(user, undefined, { timeoutMs: 30_000 });
      }));
      await sleep(500);
      const benchBefore = process.cpuUsage();
      const webhookBefore = await processCpuMs(webhook.child.pid!);
      const workerBefore = await processCpuMs(worker.child.pid!);
      const databaseBefore = await databaseCpu(db.sql, db.name);
      for (let burst = 0; burst < BURSTS; burst++) {
        const users = Array.from({ length: USERS }, (_, i) => telegram.createUser({ first_name: `User ${burst}-${i}`, language_code: 'en' }));
        loads.push(machineLoad());
        progress(`burst ${burst + 1}: ${USERS} users send /start`);
        await Promise.all(users.map((user) => {
          const sent = performance.now();
          const action = user.sendCommand('/start');
          traces.push({ updateId: action.update.update_id, chatId: user.id, sentAt: Date.now() });
          return telegram.waitForBotMessage(user, undefined, { timeoutMs: 30_000 }).then(() => { latencies.push(performance.now() - sent); });
        }));
        await sleep(500);
      }
      const bench = process.cpuUsage(benchBefore);
      const updates = USERS * BURSTS;
      cpuPerUpdate = {
        emulator_ms: (bench.user + bench.system) / 1000 / updates,
        webhook_ms: (await processCpuMs(webhook.child.pid!) - webhookBefore) / updates,
        worker_ms: (await processCpuMs(worker.child.pid!) - workerBefore) / updates,
        postgres_ms: databaseCpuSince(databaseBefore, await databaseCpu(db.sql, db.name)) / updates,
      };
      // Split each reply's time at the webhook's 200: the emulator records when each delivery
      // finished and when each Bot API call arrived (ms timestamps).
      const delivered = new Map(telegram.deliveries.filter((d) => d.status === 200).map((d) => [d.update_id, d.at]));
      const replied = new Map<number, number>();
      for (const call of telegram.callsTo('sendMessage')) {
        const chatId = Number(call.params.chat_id);
        if (!replied.has(chatId)) replied.set(chatId, call.at);
      }
      for (const t of traces) {
        const at200 = delivered.get(t.updateId);
        const atReply = replied.get(t.chatId);
        if (at200 === undefined || atReply === undefined) continue;
        ingress.push(at200 - t.sentAt);
        queueAndBot.push(atReply - at200);
      }
    } finally {
      await worker.stop();
      await webhook.stop();
      await telegram.close();
      await db.drop();
    }
    const cpuTotal = Object.values(cpuPerUpdate ?? {}).reduce((sum, ms) => sum + ms, 0);
    const reply = summarize(latencies);
    const toWebhook = summarize(ingress);
    const afterWebhook = summarize(queueAndBot);
    return {
      scenario: this.name,
      rows: [
        {
          subject: `/start → reply, ${USERS} users at once × ${BURSTS}`,
          values: { p50_ms: reply.p50, p95_ms: reply.p95, p99_ms: reply.p99, max_ms: reply.max, replies: reply.count },
        },
        { subject: '  of which: post → webhook 200', values: { p50_ms: toWebhook.p50, p95_ms: toWebhook.p95, max_ms: toWebhook.max } },
        { subject: '  of which: webhook 200 → sendMessage arrives', values: { p50_ms: afterWebhook.p50, p95_ms: afterWebhook.p95, max_ms: afterWebhook.max } },
        { subject: 'CPU per /start (user + system)', values: { ...cpuPerUpdate, total_ms: cpuTotal } },
        {
          subject: `  the bound: ${USERS} × total CPU / ${CORES} cores = one burst's drain time`,
          values: { drain_floor_ms: (USERS * cpuTotal) / CORES, p95_floor_ms: (0.95 * USERS * cpuTotal) / CORES },
        },
      ],
      goals: [checkGoal('p95 /start → reply', reply.p95, '<=', 100, 'ms')],
      notes: [
        `emulator (bench process) → webhook (api/telegram.ts in its own process, pool ${DEFAULT_POOL_MAX}, the default) → jobs → compiled worker (own process, defaults: LISTEN, concurrency 16) → emulator's Bot API; the emulator delivers as Telegram does (up to max_connections chats at once, each chat in order); latency from the emulator being told to send to the reply being recorded; after one unmeasured burst of as many users (connections open, code optimised); the split uses the emulator's ms timestamps; CPU per /start is each process's user + system time over the bursts (/proc/<pid>/stat; the emulator's is the bench process's, load generation included; PostgreSQL's the backends connected to the scenario's database) divided by the updates: when every /start of a burst arrives at once, no schedule can answer the 95th before 95 of them have had their CPU, so 0.95 × users × CPU / cores bounds the p95 from below; load average ${loads.join(', ')}`,
      ],
    };
  },
};
