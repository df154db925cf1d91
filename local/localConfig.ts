import * as z from 'zod';
import type { BotSettings } from '../shared/bot/botSettings.js';
import { parseBotSettings } from '../shared/bot/parseBotSettings.js';
import { ConfigError, parseEnv } from '../shared/config/parseEnv.js';
import { type DashboardConfig, parseDashboardConfig } from '../shared/dashboard/dashboardConfig.js';
import { type BotFeature, parseBotFeatures } from '../shared/modules/botFeatures.js';
import { type InstapostConfig, parseInstapostConfig } from '../shared/modules/instapost/instapostConfig.js';
import type { AlertSettings } from '../shared/modules/alerts/alertSettings.js';
import { parseAlertSettings } from '../shared/modules/alerts/parseAlertSettings.js';

/** How `npm start` gets updates; see README. */
export type BotMode = 'webhook' | 'polling' | 'sandbox';

/** `npm start`'s configuration. */
export interface LocalConfig {
  mode: BotMode;
  port: number;
  host: string;
  databaseUrl?: string;
  /** PEM of the database server's CA: with it the server's certificate is verified. */
  databaseCaCert?: string;
  dataDir: string;
  botToken?: string;
  apiRoot: string;
  publicUrl?: string;
  webhookSecret?: string;
  shutdownTimeoutMs: number;
  /**
   * Bounds on receiving one request on the local HTTP server, as Vercel's platform bounds them
   * for the function: the headers within `headersMs` (default 10 s) and the whole request within
   * `requestMs` (default 30 s), so a client trickling bytes cannot hold a connection for
   * minutes (Node's defaults: 60 s and 300 s). Not read from the environment; tests shorten it.
   */
  httpTimeouts?: { headersMs: number; requestMs: number };
  /** JOB_POLL_INTERVAL_MS: the worker's polling backstop. Default 200 ms on the embedded database, else 1000 ms. */
  pollIntervalMs?: number;
  /** JOB_CLAIM_FAILURE_MS: how long the worker's claims may fail before /healthz answers 503. Default 30 000 ms. */
  claimFailureMs?: number;
  /** `npm start -- --force`: poll even though a webhook is set (polling deletes it). */
  force: boolean;
  logLevel: string;
  bot: BotSettings;
  /** BOT_FEATURES. Default both products. */
  features?: BotFeature[];
  /** InstaPost's configuration outside sandbox mode (the sandbox points it at its emulators). */
  instapost?: InstapostConfig;
  /** The admin dashboard at /admin (shared/dashboard/dashboardConfig.ts). Default: from the environment, as on Vercel. */
  dashboard?: DashboardConfig;
  /** The alert rules' thresholds (ALERT_*). Default the seed's; without it `npm start` runs no alert check. */
  alerts?: AlertSettings;
}

const LocalEnv = z.object({
  BOT_MODE: z.enum(['webhook', 'polling', 'sandbox']).optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  DATABASE_URL: z.string().min(1).optional(),
  DATABASE_CA_CERT: z.string().includes('-----BEGIN CERTIFICATE-----', 'DATABASE_CA_CERT must be a PEM certificate (-----BEGIN CERTIFICATE-----)').optional(),
  DATA_DIR: z.string().default('.data'),
  TELEGRAM_BOT_TOKEN: z.string().regex(/^\d+:[\w-]+$/, 'TELEGRAM_BOT_TOKEN does not look like a bot token').optional(),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  PUBLIC_URL: z.url('PUBLIC_URL must be an https URL Telegram can reach').optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'TELEGRAM_WEBHOOK_SECRET: 1-256 of A-Z a-z 0-9 _ -').optional(),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  JOB_POLL_INTERVAL_MS: z.coerce.number().int().min(10).optional(),
  JOB_CLAIM_FAILURE_MS: z.coerce.number().int().min(1000).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/**
 * Parses `npm start`'s environment. Mode defaults: `sandbox` without a bot token (and without
 * DATABASE_URL or PUBLIC_URL, which without a token are an error); with one, `webhook` when
 * PUBLIC_URL is set, else `polling`.
 */
export function parseLocalConfig(env: Record<string, string | undefined>, argv: readonly string[] = []): LocalConfig {
  const unknown = argv.filter((a) => a !== '--force');
  if (unknown.length) throw new ConfigError([`unknown argument ${unknown.join(' ')}: npm start takes only --force (poll even though a webhook is set)`]);
  const e = parseEnv(LocalEnv, env);
  const mode = e.BOT_MODE ?? (!e.TELEGRAM_BOT_TOKEN ? 'sandbox' : e.PUBLIC_URL ? 'webhook' : 'polling');
  if (mode !== 'sandbox' && !e.TELEGRAM_BOT_TOKEN) throw new ConfigError([`TELEGRAM_BOT_TOKEN: required in ${mode} mode (or use BOT_MODE=sandbox)`]);
  // A real database configured without a token is a deployment missing its token, not a
  // newcomer: running the sandbox against that database would write pretend users into it.
  if (!e.BOT_MODE && !e.TELEGRAM_BOT_TOKEN && (e.DATABASE_URL || e.PUBLIC_URL)) {
    throw new ConfigError([`TELEGRAM_BOT_TOKEN: required when ${e.DATABASE_URL ? 'DATABASE_URL' : 'PUBLIC_URL'} is set (set BOT_MODE=sandbox to run the sandbox against that database on purpose)`]);
  }
  // Outside the sandbox InstaPost needs the operator's Dropbox app and key. `npm start` is a
  // developer's tool: with none of those variables and no BOT_FEATURES it runs the growth bot
  // alone rather than refusing to start; a BOT_FEATURES naming instapost requires them.
  const instapostUnset = mode !== 'sandbox' && env.BOT_FEATURES === undefined && !env.DROPBOX_APP_KEY && !env.ENCRYPTION_KEY;
  const features = instapostUnset ? parseBotFeatures('growth') : parseBotFeatures(env.BOT_FEATURES);
  return {
    features,
    instapost: features.includes('instapost') && mode !== 'sandbox' ? parseInstapostConfig(env) : undefined,
    mode, port: e.PORT, host: e.HOST, databaseUrl: e.DATABASE_URL, databaseCaCert: e.DATABASE_CA_CERT, dataDir: e.DATA_DIR,
    botToken: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, publicUrl: e.PUBLIC_URL,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET, shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS, pollIntervalMs: e.JOB_POLL_INTERVAL_MS, claimFailureMs: e.JOB_CLAIM_FAILURE_MS, force: argv.includes('--force'), logLevel: e.LOG_LEVEL,
    bot: parseBotSettings(env),
    dashboard: parseDashboardConfig(env),
    alerts: parseAlertSettings(env),
  };
}
