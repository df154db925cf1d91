import type { BotModule } from '../../bot/BotModule.js';
import { referralNoticeHandler } from './referralNoticeHandler.js';
import { startFeature } from './startFeature.js';
import { unreachableMiddleware } from './unreachableMiddleware.js';

/** Users: registration with referrals (`/start`), who blocked the bot, and the users table's queries. */
export const usersModule: BotModule = {
  name: 'users',
  commands: ['start'],
  middleware: unreachableMiddleware,
  feature: startFeature,
  jobs: ({ api }) => [referralNoticeHandler({ api })],
};
