import type { BotModule } from '../../bot/BotModule.js';
import { startFeature } from './startFeature.js';

/** Users: registration with referrals (`/start`), and the users table's queries. */
export const usersModule: BotModule = {
  name: 'users',
  commands: ['start'],
  feature: startFeature,
};
