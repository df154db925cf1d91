import type { BotModule } from '../../bot/BotModule.js';
import { dailyPointsMiddleware } from './dailyPointsMiddleware.js';
import { pointsFeature } from './pointsFeature.js';

/** Points: the ledger, the daily grant at the first interaction of the day, `/points`. */
export const pointsModule: BotModule = {
  name: 'points',
  commands: ['points'],
  menu: [{ label: 'menu_points', data: 'menu:points' }],
  middleware: dailyPointsMiddleware,
  feature: pointsFeature,
};
