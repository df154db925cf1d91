import type { UserFromGetMe } from 'grammy/types';
import type { BotSettings } from '../shared/bot/botSettings.js';
import type { Sql } from '../shared/db/createSql.js';
import type { BotModule } from '../shared/bot/BotModule.js';
import { createBot } from '../shared/bot/createBot.js';
import { allModules } from '../shared/modules/index.js';
import type { Logger } from '../shared/logger.js';
import type { ApiRetryOptions } from '../shared/telegram/retryApiCalls.js';
import { createHandlers } from './handlers.js';
import { JobRunner, type JobRunnerOptions } from './jobRunner.js';
import { runMaintenance } from './maintenance.js';

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
  /** The product areas to run. Default all of them (shared/modules/index.ts). */
  modules?: readonly BotModule[];
  /** Between maintenance passes. Default 10 minutes. */
  maintenanceIntervalMs?: number;
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
  const modules = deps.modules ?? allModules;
  const bot = createBot({ token: deps.botToken, apiRoot: deps.apiRoot, sql: deps.sql, log: deps.log, settings: deps.botSettings, apiRetry: deps.apiRetry, modules, botInfo: deps.botInfo });
  await bot.init(); // getMe unless botInfo was given; grammY needs the bot's username to match /command@bot
  const runner = new JobRunner({ ...deps.runner, sql: deps.sql, log: deps.log, handlers: createHandlers({ bot, apiRoot: deps.apiRoot, settings: deps.botSettings, modules }) });
  await runner.start();

  const maintain = async () => {
    try {
      const result = await runMaintenance(deps.sql);
      deps.log.debug(result, 'maintenance done');
    } catch (err) {
      deps.log.error({ err }, 'maintenance failed; will try again');
    }
  };
  void maintain();
  const timer = setInterval(() => void maintain(), deps.maintenanceIntervalMs ?? 600_000);
  timer.unref();

  return {
    runner,
    async stop(deadlineMs) {
      clearInterval(timer);
      await runner.stop(deadlineMs);
    },
  };
}
