import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Api } from 'grammy';
import { ConfigError } from '../shared/config/parseEnv.js';
import { createSql } from '../shared/db/createSql.js';
import { createLogger } from '../shared/logger.js';
import { botModules } from '../shared/modules/index.js';
import { createInstapostServices } from '../shared/modules/instapost/InstapostServices.js';
import { createHealthHandler, type StartupState } from './createHealthHandler.js';
import { BotTokenRejectedError, TelegramUnreachableError, fetchBotInfo } from './fetchBotInfo.js';
import { shutdownWorker } from './shutdownWorker.js';
import { type StartedWorker, startWorker } from './startWorker.js';
import { type WorkerConfig, parseWorkerConfig } from './workerConfig.js';

// The Railway process: the health check first (so a deploy that cannot start says why), then
// Telegram, then the loop; stop gracefully on SIGTERM.
let config: WorkerConfig;
try {
  config = parseWorkerConfig(process.env);
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
}
const log = createLogger({ level: config.logLevel, name: 'worker' });
// A session connection (direct, or Supabase's session pooler on 5432): LISTEN needs it.
const sql = createSql(config.databaseUrl, { max: config.poolMax, applicationName: 'worker', caCert: config.databaseCaCert });

let startup: StartupState = { state: 'starting' };
let worker: StartedWorker | undefined;
const health = createHealthHandler({ sql, log, inFlight: () => worker?.runner.inFlight ?? 0, startup: () => startup, claims: () => worker?.runner.claimHealth() });
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') return void health(req, res);
  res.writeHead(404).end();
});
server.listen(config.port, () => log.info({ port: (server.address() as AddressInfo).port }, 'health check listening'));

let stopping = false;
async function shutdown(signal: string, code = 0) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: no new jobs; finishing running ones');
  const stopCode = await shutdownWorker({ log, server, worker, sql, deadlineMs: config.shutdownTimeoutMs });
  log.info('stopped');
  process.exit(code || stopCode);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));

try {
  // A bare client: the bot's retry transformer would multiply the attempts counted here.
  const api = new Api(config.botToken, { apiRoot: config.apiRoot, timeoutSeconds: 10 });
  const botInfo = await fetchBotInfo(api, {
    onAttemptFailed({ attempt, attempts, retryInMs, err }) {
      const error = err instanceof Error ? err.message : String(err);
      startup = { state: 'telegram_unreachable', attempt, attempts, error };
      log.warn({ attempt, attempts, retry_in_ms: retryInMs, error, api_root: config.apiRoot }, 'Telegram unreachable: getMe failed; retrying');
    },
  });
  if (!stopping) {
    worker = await startWorker({
      sql,
      log,
      botToken: config.botToken,
      botInfo,
      apiRoot: config.apiRoot,
      botSettings: config.bot,
      alerts: config.alerts,
      modules: botModules(config.features, { instapost: config.instapost && createInstapostServices(config.instapost) }),
      runner: {
        concurrency: config.concurrency,
        prefetch: config.prefetch,
        leaseMs: config.leaseMs,
        pollIntervalMs: config.pollIntervalMs,
        claimFailureMs: config.claimFailureMs,
        listen: config.listen,
      },
    });
    startup = { state: 'running' };
    log.info({ bot: botInfo.username }, 'worker running');
  }
} catch (err) {
  if (err instanceof BotTokenRejectedError) {
    log.fatal(`${err.message}: set TELEGRAM_BOT_TOKEN to the token @BotFather shows for this bot (/mybots, API Token); retrying cannot fix it`);
  } else if (err instanceof TelegramUnreachableError) {
    log.fatal({ err: err.cause, api_root: config.apiRoot }, `${err.message}; exiting so that the platform restarts the worker`);
  } else {
    log.fatal({ err }, 'start-up failed');
  }
  await shutdown('start-up failed', 1);
}
