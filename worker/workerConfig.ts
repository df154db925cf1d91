import * as z from 'zod';
import type { BotSettings } from '../shared/bot/botSettings.js';
import { parseBotSettings } from '../shared/bot/parseBotSettings.js';
import { parseEnv } from '../shared/config/parseEnv.js';
import { type BotFeature, parseBotFeatures } from '../shared/modules/botFeatures.js';
import { type InstapostConfig, parseInstapostConfig } from '../shared/modules/instapost/instapostConfig.js';
import type { AlertSettings } from '../shared/modules/alerts/alertSettings.js';
import { parseAlertSettings } from '../shared/modules/alerts/parseAlertSettings.js';

const int = (name: string, def: number, min = 1) =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be an integer`).min(min, `${name} must be at least ${min}`).default(def);

const WorkerEnv = z.object({
  DATABASE_URL: z.string({ error: 'DATABASE_URL is required: a direct or session-pooler PostgreSQL URL' }).min(1, 'DATABASE_URL is required'),
  DATABASE_CA_CERT: z.string().includes('-----BEGIN CERTIFICATE-----', 'DATABASE_CA_CERT must be a PEM certificate (-----BEGIN CERTIFICATE-----)').optional(),
  TELEGRAM_BOT_TOKEN: z.string({ error: 'TELEGRAM_BOT_TOKEN is required (from @BotFather)' }).regex(/^\d+:[\w-]+$/, 'TELEGRAM_BOT_TOKEN does not look like a bot token (<digits>:<secret>)'),
  TELEGRAM_API_ROOT: z.url('TELEGRAM_API_ROOT must be a URL').default('https://api.telegram.org'),
  PORT: int('PORT', 8080, 0),
  WORKER_CONCURRENCY: int('WORKER_CONCURRENCY', 16),
  WORKER_PREFETCH: int('WORKER_PREFETCH', 0, 0),
  DATABASE_POOL_MAX: z.coerce.number({ error: 'DATABASE_POOL_MAX must be a number' }).int('DATABASE_POOL_MAX must be an integer').min(1, 'DATABASE_POOL_MAX must be at least 1').optional(),
  JOB_LEASE_MS: int('JOB_LEASE_MS', 30_000, 100),
  JOB_POLL_INTERVAL_MS: int('JOB_POLL_INTERVAL_MS', 1000, 10),
  JOB_CLAIM_FAILURE_MS: int('JOB_CLAIM_FAILURE_MS', 30_000, 1000),
  WORKER_LISTEN: z.enum(['auto', 'on', 'off']).default('auto'),
  SHUTDOWN_TIMEOUT_MS: int('SHUTDOWN_TIMEOUT_MS', 10_000, 0),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** The worker's parsed configuration. */
export interface WorkerConfig {
  databaseUrl: string;
  /** PEM of the database server's CA: with it the server's certificate is verified (shared/db/databaseTls.ts). */
  databaseCaCert?: string;
  botToken: string;
  apiRoot: string;
  port: number;
  concurrency: number;
  /** Jobs claimed ahead of free slots; see JobRunnerOptions.prefetch. */
  prefetch: number;
  poolMax: number;
  leaseMs: number;
  pollIntervalMs: number;
  /** How long claims may fail (or one go unanswered) before /healthz answers 503; see JobRunnerOptions.claimFailureMs. */
  claimFailureMs: number;
  /** LISTEN/NOTIFY wake-ups. */
  listen: boolean;
  shutdownTimeoutMs: number;
  logLevel: string;
  /** Points, costs and limits; see shared/bot/botSettings.ts. */
  bot: BotSettings;
  /** BOT_FEATURES: the products this bot runs (default both). */
  features: BotFeature[];
  /** InstaPost's services and keys, when it runs. */
  instapost?: InstapostConfig;
  /** The alert rules' thresholds (ALERT_*). */
  alerts: AlertSettings;
}

/**
 * LISTEN needs one server connection that stays ours. Supabase's transaction pooler (port 6543)
 * hands each transaction to any connection, so notifications would go nowhere: poll instead.
 */
export function listenSupported(databaseUrl: string): boolean {
  try {
    return new URL(databaseUrl).port !== '6543';
  } catch {
    return true;
  }
}

/** Parses the worker's environment, failing fast with every problem at once. */
export function parseWorkerConfig(env: Record<string, string | undefined>): WorkerConfig {
  const e = parseEnv(WorkerEnv, env);
  const features = parseBotFeatures(env.BOT_FEATURES);
  return {
    databaseUrl: e.DATABASE_URL,
    databaseCaCert: e.DATABASE_CA_CERT,
    botToken: e.TELEGRAM_BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    port: e.PORT,
    concurrency: e.WORKER_CONCURRENCY,
    prefetch: e.WORKER_PREFETCH,
    // A running update holds a connection for its whole transaction (replies included), so a
    // pool smaller than the concurrency makes slots wait for connections: one per slot, plus two
    // for the runner's claims, completions and lease renewals.
    poolMax: e.DATABASE_POOL_MAX ?? e.WORKER_CONCURRENCY + 2,
    leaseMs: e.JOB_LEASE_MS,
    pollIntervalMs: e.JOB_POLL_INTERVAL_MS,
    claimFailureMs: e.JOB_CLAIM_FAILURE_MS,
    listen: e.WORKER_LISTEN === 'on' || (e.WORKER_LISTEN === 'auto' && listenSupported(e.DATABASE_URL)),
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    logLevel: e.LOG_LEVEL,
    bot: parseBotSettings(env),
    features,
    instapost: features.includes('instapost') ? parseInstapostConfig(env) : undefined,
    alerts: parseAlertSettings(env),
  };
}
