import { DropboxStorage } from './DropboxStorage.js';
import { GraphClient } from './GraphClient.js';
import type { InstapostConfig } from './instapostConfig.js';
import type { Keyring } from './Keyring.js';

/** What InstaPost's features and jobs talk to, built once per process from its configuration. */
export interface InstapostServices {
  graph: GraphClient;
  storage: DropboxStorage;
  keyring: Keyring;
  /** How often a publish job reads an IN_PROGRESS container. Meta: about once a minute; the emulator is faster. */
  containerPollMs: number;
  /** How long a publish job polls in its slot for FINISHED before it gives the slot back (SnoozeJob) and runs again a poll interval later. */
  containerWaitMs: number;
}

/** Options a test or the bench may change (else INSTAGRAM_CONTAINER_POLL_MS / _WAIT_MS, instapostConfig.ts). */
export type InstapostServiceOptions = Partial<Pick<InstapostServices, 'containerPollMs' | 'containerWaitMs'>>;

/** The services for a parsed configuration (instapostConfig.ts). */
export function createInstapostServices(config: InstapostConfig, options: InstapostServiceOptions = {}): InstapostServices {
  return {
    graph: new GraphClient({ root: config.graph.root, version: config.graph.version }),
    storage: new DropboxStorage({ ...config.dropbox }),
    keyring: config.keyring,
    containerPollMs: options.containerPollMs ?? config.container.pollMs,
    containerWaitMs: options.containerWaitMs ?? config.container.waitMs,
  };
}
