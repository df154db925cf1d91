import type { UserFromGetMe } from 'grammy/types';
import type { BotSettings } from '../shared/bot/botSettings.js';
import type { Sql } from '../shared/db/createSql.js';
import type { BotModule } from '../shared/bot/BotModule.js';
import { createBot } from '../shared/bot/createBot.js';
import { MetricTally } from '../shared/metrics/MetricTally.js';
import { growthModules } from '../shared/modules/index.js';
import type { Logger } from '../shared/logger.js';
import type { ApiRetryOptions } from '../shared/telegram/retryApiCalls.js';
import { createHandlers } from './handlers.js';
import { JobRunner, type JobRunnerOptions } from './jobRunner.js';
import type { AlertSettings } from '../shared/modules/alerts/alertSettings.js';
import { defaultBotSettings } from '../shared/bot/botSettings.js';
import { type PeriodicTask, checkAlertsTask, periodicTasks } from './periodicTasks.js';
import { schedulePeriodicTasks } from './schedulePeriodicTasks.js';

/** What {@link startWorker} needs. */
export interface WorkerDeps {
  sql: Sql;
  log: Logger;
  botToken: string;
  apiRoot: string;
  /** Default the plan's numbers (shared/bot/botSettings.ts). */
  botSettings?: BotSettings;
  /** The bot's own user, from getMe. Default: asked for here (`worker/main.ts` asks first, with a bound). */
  botInfo?: UserFromGetMe;
  /** Bot API retry policy; tests shorten its delays. */
  apiRetry?: ApiRetryOptions;
  runner?: Omit<JobRunnerOptions, 'sql' | 'log' | 'handlers'>;
  /** The product areas to run. Default the growth bot alone (`growthModules`); entry points pass `botModules(BOT_FEATURES, services)`. */
  modules?: readonly BotModule[];
  /**
   * The alert rules' thresholds: with them the periodic tasks include the alert check, whose
   * messages go to the bot settings' admins. Entry points pass them (parseAlertSettings); tests
   * that do not test alerts leave them out, so no alert reaches their admins.
   */
  alerts?: AlertSettings;
  /** The periodic tasks. Default {@link periodicTasks}, plus the alert check when `alerts` is given. */
  periodicTasks?: readonly PeriodicTask[];
  /**
   * How often this replica checks the schedule. Default 30 s: a tick starts at most this late,
   * and each check costs one insert per task, which conflicts on every replica but one.
   */
  scheduleCheckMs?: number;
}

/** A started worker. */
export interface StartedWorker {
  runner: JobRunner;
  /** Graceful stop; see {@link JobRunner.stop}. Does not close the pool. */
  stop(deadlineMs?: number): Promise<void>;
}

/**
 * Builds the bot and the job runner and starts claiming. Shared by `worker/main.ts` (Railway)
 * and `npm start` (one local process), so both run the very same worker.
 */
export async function startWorker(deps: WorkerDeps): Promise<StartedWorker> {
  const modules = deps.modules ?? growthModules;
  // The modules' own tasks join the worker's (a test that passes its own list gets only those).
  const tasks = deps.periodicTasks ?? [
    ...periodicTasks,
    ...(deps.alerts ? [checkAlertsTask(deps.alerts, (deps.botSettings ?? defaultBotSettings).adminTelegramIds)] : []),
    ...modules.flatMap((m) => m.periodicTasks ?? []),
  ];
  // Sends are counted here and written with the runner's next completion (docs/METRICS.md).
  const metrics = new MetricTally();
  const bot = createBot({ token: deps.botToken, apiRoot: deps.apiRoot, sql: deps.sql, log: deps.log, settings: deps.botSettings, apiRetry: deps.apiRetry, modules, botInfo: deps.botInfo, metrics });
  await bot.init(); // getMe unless botInfo was given; grammY needs the bot's username to match /command@bot
  const runner = new JobRunner({ ...deps.runner, sql: deps.sql, log: deps.log, metrics, handlers: createHandlers({ bot, apiRoot: deps.apiRoot, settings: deps.botSettings, modules, periodicTasks: tasks, metrics }) });
  await runner.start();

  const schedule = async () => {
    try {
      const scheduled = await schedulePeriodicTasks(deps.sql, tasks);
      if (scheduled.length) deps.log.debug({ tasks: scheduled }, 'periodic tasks enqueued');
    } catch (err) {
      deps.log.error({ err }, 'could not check the periodic tasks; will try again');
    }
  };
  void schedule();
  const timer = setInterval(() => void schedule(), deps.scheduleCheckMs ?? 30_000);
  timer.unref();

  return {
    runner,
    async stop(deadlineMs) {
      clearInterval(timer);
      await runner.stop(deadlineMs);
    },
  };
}
