import type { BotModule } from '../../bot/BotModule.js';
import { broadcastFeature, broadcastInputs } from './broadcastFeature.js';
import { broadcastProgressHandler } from './broadcastProgressHandler.js';
import { broadcastSendHandler } from './broadcastSendHandler.js';

/** Broadcasts: the operator's `/broadcast` conversation, one send job per recipient, progress and report. */
export const broadcastsModule: BotModule = {
  name: 'broadcasts',
  feature: broadcastFeature,
  inputs: broadcastInputs,
  jobs: ({ api, rawApi, settings }) => [
    // Sends use the client without automatic retries (see ModuleJobDeps.rawApi); the admin's
    // notices may retry.
    broadcastSendHandler({ api: rawApi, notifyApi: api, settings }),
    broadcastProgressHandler({ api, settings }),
  ],
};
