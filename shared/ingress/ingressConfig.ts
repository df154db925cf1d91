import { ConfigError } from '../config/parseEnv.js';

/** Parsed webhook configuration. */
export interface IngressConfig {
  databaseUrl: string;
  /** PEM of the database server's CA (`DATABASE_CA_CERT`): with it the certificate is verified. */
  databaseCaCert?: string;
  webhookSecret: string;
  /**
   * Connections per warm instance (`INGRESS_DB_POOL_MAX`). Default 4: see DEFAULT_POOL_MAX.
   */
  poolMax: number;
  logLevel: string;
}

/**
 * Statements in flight per instance. On Fluid compute one instance serves many requests at
 * once; the updates that arrive while all connections are busy go together in the next
 * statement (createUpdateRecorder.ts), so the pool bounds commits in flight, not requests.
 * Measured in BENCHMARKS.md (ingress-latency).
 */
export const DEFAULT_POOL_MAX = 4;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * Parses the webhook function's environment, failing fast with every problem at once.
 *
 * Checked by hand rather than with zod like the other entry points: importing zod/mini cost
 * 81 ms of a 185 ms cold start (92 modules, 772 KB of the function's 997 KB), and every cold
 * start is paid by a user waiting for the bot. Four variables do not need a schema library.
 */
export function parseIngressConfig(env: Record<string, string | undefined>): IngressConfig {
  const issues: string[] = [];
  const databaseUrl = env.DATABASE_URL ?? '';
  if (!databaseUrl) issues.push('DATABASE_URL: required: the Supabase transaction pooler URL (port 6543)');
  const databaseCaCert = env.DATABASE_CA_CERT || undefined;
  if (databaseCaCert !== undefined && !databaseCaCert.includes('-----BEGIN CERTIFICATE-----')) issues.push('DATABASE_CA_CERT: must be a PEM certificate (-----BEGIN CERTIFICATE-----)');
  const webhookSecret = env.TELEGRAM_WEBHOOK_SECRET ?? '';
  if (!/^[A-Za-z0-9_-]{1,256}$/.test(webhookSecret)) {
    issues.push("TELEGRAM_WEBHOOK_SECRET: required: 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram's rule)");
  }
  const pool = env.INGRESS_DB_POOL_MAX;
  if (pool !== undefined && !/^[1-9]\d{0,2}$/.test(pool)) issues.push('INGRESS_DB_POOL_MAX: must be a positive integer');
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) issues.push(`LOG_LEVEL: must be one of ${LOG_LEVELS.join(', ')}`);
  if (issues.length > 0) throw new ConfigError(issues);
  return { databaseUrl, databaseCaCert, webhookSecret, poolMax: pool ? Number(pool) : DEFAULT_POOL_MAX, logLevel };
}
