import * as z from 'zod/mini';
import { parseEnv } from '../config/parseEnv.js';

/**
 * The webhook function's environment. zod/mini rather than zod: the same checks for a
 * fraction of the import cost, which every cold start of the function pays.
 */
const IngressEnv = z.object({
  DATABASE_URL: z.string().check(z.minLength(1, 'DATABASE_URL is required: the Supabase transaction pooler URL (port 6543)')),
  TELEGRAM_WEBHOOK_SECRET: z.string().check(
    z.regex(/^[A-Za-z0-9_-]{1,256}$/, 'TELEGRAM_WEBHOOK_SECRET is required: 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram\'s rule)'),
  ),
  INGRESS_DB_POOL_MAX: z.optional(z.string().check(z.regex(/^\d+$/, 'INGRESS_DB_POOL_MAX must be a positive integer'))),
  LOG_LEVEL: z.optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
});

/** Parsed webhook configuration. */
export interface IngressConfig {
  databaseUrl: string;
  webhookSecret: string;
  poolMax: number;
  logLevel: string;
}

/** Parses the webhook's environment, failing fast with every problem at once. */
export function parseIngressConfig(env: Record<string, string | undefined>): IngressConfig {
  const e = parseEnv(IngressEnv, env);
  return {
    databaseUrl: e.DATABASE_URL,
    webhookSecret: e.TELEGRAM_WEBHOOK_SECRET,
    poolMax: e.INGRESS_DB_POOL_MAX ? Math.max(1, Number(e.INGRESS_DB_POOL_MAX)) : 2,
    logLevel: e.LOG_LEVEL ?? 'info',
  };
}
