import { spawn } from 'node:child_process';
import { TelegramEmulator, type TelegramEmulatorOptions } from '../../emulator/telegram/index.js';
import { allowedUpdates } from '../../shared/bot/allowedUpdates.js';
import type { BotModule } from '../../shared/bot/BotModule.js';
import type { BotSettings } from '../../shared/bot/botSettings.js';
import { allModules } from '../../shared/modules/index.js';
import type { JobRunnerOptions } from '../../worker/jobRunner.js';
import { type StartedWorker, startWorker } from '../../worker/startWorker.js';
import { createTestDatabase, type TestDatabase } from './testDatabase.js';
import { testLogger } from './testLogger.js';
import { startWebhookServer } from './startWebhookServer.js';
import { type WakeUp, waitFor } from './waitFor.js';

/** The webhook secret the stack's emulator sends. */
export const STACK_SECRET = 'stack-secret';

/** The whole product wired as in production, with the emulator standing in for Telegram. */
export interface Stack {
  db: TestDatabase;
  telegram: TelegramEmulator;
  /** The webhook's URL (`…/api/telegram`). */
  webhookUrl: string;
  /** The in-process worker, unless `{ worker: false }`. */
  worker?: StartedWorker;
  /** Starts `worker/main.ts` as a child process against this stack. */
  spawnWorker(env?: Record<string, string>): WorkerProcess;
  /**
   * Resolves once the emulator delivered every update and the workers (in-process and child)
   * finished every job that is not dead: checked after each thing a worker reports.
   */
  drained(timeoutMs?: number): Promise<void>;
  /**
   * Like {@link drained}, but waits only for the Telegram updates, not for jobs scheduled later
   * (a post due tomorrow): an update commits after its replies were sent, so a test reads what a
   * reply reported only once its update is done. `workers`: workers a test started itself, whose
   * progress should wake the check too.
   */
  updatesDone(options?: { timeoutMs?: number; workers?: readonly StartedWorker[] }): Promise<void>;
  stop(): Promise<void>;
}

/** A worker running as its own process. */
export interface WorkerProcess {
  pid: number;
  /** What the process printed on stdout so far (its pino logs). */
  output(): string;
  /** Fires after each chunk the process prints, once {@link output} has it: for {@link waitFor}. */
  printed: WakeUp;
  kill(signal: NodeJS.Signals): void;
  exited: Promise<NodeJS.Signals | number | null>;
}

/**
 * Database, emulator, webhook (the real handler over HTTP) and worker, connected: the emulator
 * delivers updates to the webhook with the secret, the worker calls the emulator's Bot API.
 */
export async function startStack(options: {
  worker?: boolean;
  runner?: Omit<JobRunnerOptions, 'sql' | 'log' | 'handlers'>;
  telegram?: TelegramEmulatorOptions;
  /** The in-process worker's product settings. Default the plan's. */
  botSettings?: BotSettings;
  /** The in-process worker's modules. Default the growth bot's. */
  modules?: readonly BotModule[];
} = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const telegram = await TelegramEmulator.start(options.telegram);
  const hook = await startWebhookServer(db.sql, STACK_SECRET);
  // The update types production asks for (`npm run webhook -- set`): chat_member only when listed.
  telegram.setWebhook({ url: hook.url, secret_token: STACK_SECRET, allowed_updates: allowedUpdates(options.modules ?? allModules) });
  const worker = options.worker === false ? undefined : await startWorker({
    sql: db.sql, log: testLogger, botToken: telegram.token, apiRoot: telegram.apiRoot,
    apiRetry: { baseDelayMs: 50 }, botSettings: options.botSettings, modules: options.modules,
    runner: { listen: db.kind === 'server', pollIntervalMs: 50, ...options.runner },
  });
  const children = new Set<WorkerProcess>();

  return {
    db, telegram, webhookUrl: hook.url, worker,
    spawnWorker(env = {}) {
      const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
        env: {
          ...process.env,
          DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot,
          // debug: the runner then logs each batch of deleted jobs, which `drained` waits on
          // (stdout is captured for the test, not shown).
          PORT: '0', LOG_LEVEL: 'debug', JOB_POLL_INTERVAL_MS: '50',
          WORKER_LISTEN: db.kind === 'server' ? 'on' : 'off',
          // The growth bot unless a test asks for InstaPost (which needs its services' variables).
          BOT_FEATURES: 'growth',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk; });
      const proc: WorkerProcess = {
        pid: child.pid!,
        output: () => out,
        printed: [child.stdout, 'data'],
        kill: (signal) => child.kill(signal),
        exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code))),
      };
      children.add(proc);
      void proc.exited.then(() => children.delete(proc));
      return proc;
    },
    async drained(timeoutMs = 60_000) {
      await telegram.idle({ timeoutMs });
      const on: WakeUp[] = [...children].map((c) => c.printed);
      if (worker) on.push([worker.runner, 'completed'], [worker.runner, 'failed'], [worker.runner, 'idle']);
      await waitFor('the queue to drain', async () => (await db.sql`select 1 from jobs where state <> 'failed' limit 1`).length === 0, { on, timeoutMs });
    },
    async updatesDone({ timeoutMs = 60_000, workers = [] } = {}) {
      await telegram.idle({ timeoutMs });
      const on: WakeUp[] = [...children].map((c) => c.printed);
      for (const w of worker ? [worker, ...workers] : workers) on.push([w.runner, 'completed'], [w.runner, 'failed'], [w.runner, 'idle']);
      await waitFor('the Telegram updates to be done', async () =>
        (await db.sql`select 1 from jobs where type = 'telegram_update' and state <> 'failed' limit 1`).length === 0, { on, timeoutMs });
    },
    async stop() {
      for (const c of children) c.kill('SIGKILL');
      await Promise.all([...children].map((c) => c.exited));
      await worker?.stop(1000);
      await telegram.close();
      await hook.close();
      await db.drop();
    },
  };
}
