import { randomBytes } from 'node:crypto';
import { DropboxEmulator } from '../../emulator/dropbox/index.js';
import { InstagramEmulator, type InstagramEmulatorOptions } from '../../emulator/instagram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { botModules } from '../../shared/modules/index.js';
import { parseInstapostConfig } from '../../shared/modules/instapost/instapostConfig.js';
import { createInstapostServices, type InstapostServiceOptions, type InstapostServices } from '../../shared/modules/instapost/InstapostServices.js';
import type { JobRunnerOptions } from '../../worker/jobRunner.js';
import { type Stack, startStack } from './startStack.js';

/** The whole product with both of its products, and the three emulators. */
export interface InstapostStack extends Stack {
  instagram: InstagramEmulator;
  dropbox: DropboxEmulator;
  services: InstapostServices;
  /** InstaPost's variables pointing at the emulators (for a worker process). */
  env: Record<string, string>;
}

/** {@link startStack} running both products, InstaPost wired to the Instagram and Dropbox emulators. */
export async function startInstapostStack(options: { instagram?: InstagramEmulatorOptions; services?: InstapostServiceOptions;
  worker?: boolean; runner?: Omit<JobRunnerOptions, 'sql' | 'log' | 'handlers'> } = {}): Promise<InstapostStack> {
  const instagram = await InstagramEmulator.start({ containerProcessingMs: 200, ...options.instagram });
  const dropbox = await DropboxEmulator.start();
  const env = {
    INSTAGRAM_GRAPH_API_ROOT: instagram.graphRoot, DROPBOX_API_ROOT: dropbox.apiRoot, DROPBOX_CONTENT_ROOT: dropbox.contentRoot,
    DROPBOX_APP_KEY: dropbox.credentials.appKey, DROPBOX_APP_SECRET: dropbox.credentials.appSecret,
    DROPBOX_REFRESH_TOKEN: dropbox.credentials.refreshToken, ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  };
  const services = createInstapostServices(parseInstapostConfig(env), { containerPollMs: 100, containerWaitMs: 5000, ...options.services });
  // A whole conversation takes more than the 10 commands a minute a user may send (the rate limit
  // has its own tests), so the limit is lifted here.
  const botSettings = { ...defaultBotSettings, rateLimit: { commands: 1000, windowMs: 60_000 } };
  const stack = await startStack({ worker: options.worker, runner: options.runner, botSettings, modules: botModules(['growth', 'instapost'], { instapost: services }) });
  return {
    ...stack, instagram, dropbox, services, env,
    async stop() {
      await stack.stop();
      await instagram.close();
      await dropbox.close();
    },
  };
}
