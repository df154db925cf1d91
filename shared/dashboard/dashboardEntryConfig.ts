import * as z from 'zod';
import { ConfigError, parseEnv } from '../config/parseEnv.js';
import { DEFAULT_GRAPH_API_ROOT, DEFAULT_GRAPH_API_VERSION, GraphClient } from '../modules/instapost/GraphClient.js';
import { InvalidKeyError, Keyring } from '../modules/instapost/Keyring.js';
import { type DashboardConfig, parseDashboardConfig } from './dashboardConfig.js';

/** What `api/admin.ts` needs besides the dashboard's own settings. */
export interface DashboardEntryConfig {
  databaseUrl: string;
  databaseCaCert?: string;
  logLevel: string;
  dashboard: DashboardConfig;
  /** With ENCRYPTION_KEY set: Graph and the keyring, for "check status" on the Posts page. */
  instagram?: { graph: GraphClient; keyring: Keyring };
}

const EntryEnv = z.object({
  DATABASE_URL: z.string({ error: 'DATABASE_URL is required' }).min(1, 'DATABASE_URL is required'),
  DATABASE_CA_CERT: z.string().includes('-----BEGIN CERTIFICATE-----', 'DATABASE_CA_CERT must be a PEM certificate').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  INSTAGRAM_GRAPH_API_ROOT: z.url('INSTAGRAM_GRAPH_API_ROOT must be a URL').default(DEFAULT_GRAPH_API_ROOT),
  INSTAGRAM_GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'INSTAGRAM_GRAPH_API_VERSION must look like v25.0').default(DEFAULT_GRAPH_API_VERSION),
  ENCRYPTION_KEY: z.string().optional(),
  ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
});

/** Parses the dashboard function's environment once, naming every bad variable. */
export function parseDashboardEntryConfig(env: Record<string, string | undefined>): DashboardEntryConfig {
  const e = parseEnv(EntryEnv, env);
  return {
    databaseUrl: e.DATABASE_URL, databaseCaCert: e.DATABASE_CA_CERT, logLevel: e.LOG_LEVEL,
    dashboard: parseDashboardConfig(env),
    instagram: dashboardInstagram(e),
  };
}

/** Graph and the keyring from InstaPost's variables, when ENCRYPTION_KEY is set. */
export function dashboardInstagram(e: { ENCRYPTION_KEY?: string; ENCRYPTION_KEY_PREVIOUS?: string; INSTAGRAM_GRAPH_API_ROOT: string; INSTAGRAM_GRAPH_API_VERSION: string }):
  DashboardEntryConfig['instagram'] {
  if (!e.ENCRYPTION_KEY) return undefined;
  try {
    return { graph: new GraphClient({ root: e.INSTAGRAM_GRAPH_API_ROOT, version: e.INSTAGRAM_GRAPH_API_VERSION, timeoutMs: 10_000 }), keyring: Keyring.fromEnv(e.ENCRYPTION_KEY, e.ENCRYPTION_KEY_PREVIOUS) };
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new ConfigError([error.message]);
    throw error;
  }
}
