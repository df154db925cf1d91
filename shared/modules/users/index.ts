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
  // A guard, so that it comes before the rate limit: who blocked the bot is noted for whatever
  // the rest of the update sends (the rate limit's notice included), and a banned user's update
  // stops at the ban, before anything counts or answers it (one notice, then nothing).
  guard: new Composer<BotContext>(unreachableMiddleware, bannedMiddleware).middleware(),
  feature: startFeature,
  jobs: ({ api }) => [referralNoticeHandler({ api })],
};
