import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSql } from '../shared/db/createSql.js';
import { createLogger } from '../shared/logger.js';
import { createHealthHandler } from './createHealthHandler.js';
import { startWorker } from './startWorker.js';
import { parseWorkerConfig } from './workerConfig.js';

// The Railway process: wire things up, start the loop, stop gracefully on SIGTERM.
const config = parseWorkerConfig(process.env);
const log = createLogger({ level: config.logLevel, name: 'worker' });
// A session connection (direct, or Supabase's session pooler on 5432): LISTEN needs it.
const sql = createSql(config.databaseUrl, { max: config.poolMax, applicationName: 'worker' });

const worker = await startWorker({
  sql,
  log,
  botToken: config.botToken,
  apiRoot: config.apiRoot,
  botSettings: config.bot,
  runner: {
    concurrency: config.concurrency,
    prefetch: config.prefetch,
    leaseMs: config.leaseMs,
    pollIntervalMs: config.pollIntervalMs,
    listen: config.listen,
  },
});

const health = createHealthHandler({ sql, inFlight: () => worker.runner.inFlight });
const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.split('?')[0] === '/healthz') return void health(req, res);
  res.writeHead(404).end();
});
server.listen(config.port, () => log.info({ port: (server.address() as AddressInfo).port }, 'health check listening'));

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping: no new jobs; finishing running ones');
  server.close();
  await worker.stop(config.shutdownTimeoutMs);
  await sql.end({ timeout: 5 });
  log.info('stopped');
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
