import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseLocalConfig } from '../../local/localConfig.js';
import { startApp } from '../../local/startApp.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { checkGoal, type Scenario, type ScenarioResult } from '../scenarioResult.js';
import { silentLogger } from '../silentLogger.js';
import { sleep } from '../sleep.js';

/** New users, one after another, each sending /start: a newcomer's first message, repeatedly. */
const STARTS = 20;
/** Then one user's further messages (/help), one after another. */
const FOLLOW_UPS = 20;
/**
 * A person's pause before each message. Longer than the embedded worker's poll interval
 * (200 ms), so each message finds the worker asleep, as a person typing does: sent right
 * after the previous reply, it would find the worker still awake from that job and
 * measure nothing of the wake-up.
 */
const THINK_MS = 500;

/**
 * Scenario: the sandbox's reply time. `npm start` in sandbox mode exactly as a newcomer runs it
 * (startApp: embedded PGlite on its one connection, webhook and worker in one process, the
 * Telegram emulator), one message at a time, measured from the emulator being told to send to
 * the bot's reply arriving at its Bot API. One person types; nothing else runs.
 */
export const sandboxReply: Scenario = {
  name: 'sandbox-reply',
  title: 'Sandbox reply time: npm start on the embedded database, one message at a time',
  async run({ progress }): Promise<ScenarioResult> {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'growthbot-bench-sandbox-'));
    const config = parseLocalConfig({ PORT: '0', DATA_DIR: dataDir, SHUTDOWN_TIMEOUT_MS: '1000', RATE_LIMIT_COMMANDS: '1000' });
    const app = await startApp({ ...config, databaseUrl: undefined }, silentLogger);
    const telegram = app.emulator!;
    const starts: number[] = [];
    const followUps: number[] = [];
    const loads: string[] = [machineLoad()];
    try {
      // Warm-up: the first reply compiles code paths and fills caches.
      const warm = telegram.createUser({ first_name: 'Warm', language_code: 'en' });
      warm.sendCommand('/start');
      await telegram.waitForBotMessage(warm, undefined, { timeoutMs: 15_000 });
      progress(`${STARTS} new users send /start, one after another`);
      for (let i = 0; i < STARTS; i++) {
        const user = telegram.createUser({ first_name: `Newcomer ${i}`, language_code: 'en' });
        await sleep(THINK_MS);
        const sent = performance.now();
        user.sendCommand('/start');
        await telegram.waitForBotMessage(user, undefined, { timeoutMs: 15_000 });
        starts.push(performance.now() - sent);
      }
      progress(`one user sends /help ${FOLLOW_UPS} times, one after another`);
      for (let i = 0; i < FOLLOW_UPS; i++) {
        await sleep(THINK_MS);
        const sent = performance.now();
        warm.sendCommand('/help');
        await telegram.waitForBotMessage(warm, undefined, { timeoutMs: 15_000 });
        followUps.push(performance.now() - sent);
      }
      loads.push(machineLoad());
    } finally {
      await app.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
    const all = summarize([...starts, ...followUps]);
    const s = summarize(starts);
    const f = summarize(followUps);
    return {
      scenario: this.name,
      rows: [
        { subject: `sandbox: message → reply, all ${STARTS + FOLLOW_UPS}`, values: { p50_ms: all.p50, p95_ms: all.p95, max_ms: all.max, replies: all.count } },
        { subject: '  a new user\'s /start (registration, welcome)', values: { p50_ms: s.p50, p95_ms: s.p95, max_ms: s.max } },
        { subject: '  a known user\'s /help', values: { p50_ms: f.p50, p95_ms: f.p95, max_ms: f.max } },
      ],
      goals: [checkGoal('p50 sandbox message → reply', all.p50, '<=', 50, 'ms')],
      notes: [
        `startApp in sandbox mode in the bench process (as npm start runs it: embedded PGlite in a temporary DATA_DIR, webhook, worker and emulators in one process); one message at a time, each after a ${THINK_MS} ms pause (the worker asleep, as when a person types); after one warm-up /start; load average ${loads.join(' → ')}`,
      ],
    };
  },
};
