import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { bannedMiddleware } from './bannedMiddleware.js';
import { referralNoticeHandler } from './referralNoticeHandler.js';
import { startFeature } from './startFeature.js';
import { unreachableMiddleware } from './unreachableMiddleware.js';

/** Users: registration with referrals (`/start`), who blocked the bot, bans, and the users table's queries. */
export const usersModule: BotModule = {
  name: 'users',
  commands: ['start'],
  // Bans first: a banned user's update stops there, before the other modules' middleware (the
  // daily points) runs for it.
  middleware: new Composer<BotContext>(unreachableMiddleware, bannedMiddleware).middleware(),
  feature: startFeature,
  jobs: ({ api }) => [referralNoticeHandler({ api })],
};
