import type { BotModule } from '../../bot/BotModule.js';
import { planFeature } from './planFeature.js';

/**
 * Plans: `/plan` and `/upgrade`. The limits themselves are applied where the things they limit
 * are made (InstaPost's posts, queue, accounts and posting times), through readUserPlan and
 * countPost; this module shows them.
 */
export const plansModule: BotModule = {
  name: 'plans',
  commands: ['plan', 'upgrade'],
  menu: [{ label: 'menu_plan', data: 'menu:plan' }],
  feature: planFeature(),
};
