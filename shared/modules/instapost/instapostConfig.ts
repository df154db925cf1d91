import * as z from 'zod';
import { ConfigError, parseEnv } from '../../config/parseEnv.js';
import { DEFAULT_DROPBOX_API_ROOT, DEFAULT_DROPBOX_CONTENT_ROOT } from './DropboxStorage.js';
import { DEFAULT_GRAPH_API_ROOT, DEFAULT_GRAPH_API_VERSION } from './GraphClient.js';
import { InvalidKeyError, Keyring } from './Keyring.js';

/** InstaPost's external services and keys, parsed once at start-up. */
export interface InstapostConfig {
  graph: { root: string; version: string };
  dropbox: { apiRoot: string; contentRoot: string; appKey: string; appSecret: string; refreshToken: string };
  /** ENCRYPTION_KEY (+ ENCRYPTION_KEY_PREVIOUS during a rotation). */
  keyring: Keyring;
  /** How often a publish job reads an IN_PROGRESS container, and how long it may poll in its slot before snoozing (ms). */
  container: { pollMs: number; waitMs: number };
}

const required = (name: string, what: string) => z.string({ error: `${name} is required (${what})` }).min(1, `${name} is required (${what})`);

const InstapostEnv = z.object({
  INSTAGRAM_GRAPH_API_ROOT: z.url('INSTAGRAM_GRAPH_API_ROOT must be a URL').default(DEFAULT_GRAPH_API_ROOT),
  INSTAGRAM_GRAPH_API_VERSION: z.string().regex(/^v\d+\.\d+$/, 'INSTAGRAM_GRAPH_API_VERSION must look like v25.0').default(DEFAULT_GRAPH_API_VERSION),
  DROPBOX_API_ROOT: z.url('DROPBOX_API_ROOT must be a URL').default(DEFAULT_DROPBOX_API_ROOT),
  DROPBOX_CONTENT_ROOT: z.url('DROPBOX_CONTENT_ROOT must be a URL').default(DEFAULT_DROPBOX_CONTENT_ROOT),
  DROPBOX_APP_KEY: required('DROPBOX_APP_KEY', 'the Dropbox app\'s key'),
  DROPBOX_APP_SECRET: required('DROPBOX_APP_SECRET', 'the Dropbox app\'s secret'),
  DROPBOX_REFRESH_TOKEN: required('DROPBOX_REFRESH_TOKEN', 'an offline refresh token of the Dropbox app'),
  ENCRYPTION_KEY: required('ENCRYPTION_KEY', '32 bytes, base64: openssl rand -base64 32'),
  ENCRYPTION_KEY_PREVIOUS: z.string().optional(),
  // Meta suggests reading a container's status about once a minute, for up to 5 minutes; a
  // photo container is usually FINISHED within seconds, so the default polls faster. While a
  // container processes, the publish job gives its slot back (SnoozeJob) and runs again a poll
  // interval later; _WAIT_MS is how long it may poll in the slot first (default 0: not at all).
  INSTAGRAM_CONTAINER_POLL_MS: z.coerce.number({ error: 'INSTAGRAM_CONTAINER_POLL_MS must be a number of milliseconds' })
    .int().min(100, 'INSTAGRAM_CONTAINER_POLL_MS must be at least 100').max(60_000, 'INSTAGRAM_CONTAINER_POLL_MS must be at most 60000').default(3000),
  INSTAGRAM_CONTAINER_WAIT_MS: z.coerce.number({ error: 'INSTAGRAM_CONTAINER_WAIT_MS must be a number of milliseconds' })
    .int().min(0, 'INSTAGRAM_CONTAINER_WAIT_MS must be at least 0').max(60_000, 'INSTAGRAM_CONTAINER_WAIT_MS must be at most 60000').default(0),
});

/**
 * Parses InstaPost's environment (an entry point calls this when InstaPost is enabled), failing
 * fast with every missing or bad variable named, values never echoed. Defaults are production's.
 */
export function parseInstapostConfig(env: Record<string, string | undefined>): InstapostConfig {
  const e = parseEnv(InstapostEnv, env);
  let keyring: Keyring;
  try {
    keyring = Keyring.fromEnv(e.ENCRYPTION_KEY, e.ENCRYPTION_KEY_PREVIOUS);
  } catch (error) {
    if (error instanceof InvalidKeyError) throw new ConfigError([error.message]);
    throw error;
  }
  return {
    graph: { root: e.INSTAGRAM_GRAPH_API_ROOT, version: e.INSTAGRAM_GRAPH_API_VERSION },
    dropbox: { apiRoot: e.DROPBOX_API_ROOT, contentRoot: e.DROPBOX_CONTENT_ROOT, appKey: e.DROPBOX_APP_KEY, appSecret: e.DROPBOX_APP_SECRET,
      refreshToken: e.DROPBOX_REFRESH_TOKEN },
    keyring,
    container: { pollMs: e.INSTAGRAM_CONTAINER_POLL_MS, waitMs: e.INSTAGRAM_CONTAINER_WAIT_MS },
  };
}
