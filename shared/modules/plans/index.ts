import type { BotModule } from '../../bot/BotModule.js';
import { type PlanExtras, planFeature, type UpgradeButtons } from './planFeature.js';

/**
 * Plans: `/plan` and `/upgrade`. The limits themselves are applied where the things they limit
 * are made (InstaPost's posts, queue, accounts and posting times), through readUserPlan and
 * countPost; this module shows them. The payments module adds the renewal and the buy buttons.
 */
export function createPlansModule(hooks: { extras?: PlanExtras; upgradeButtons?: UpgradeButtons } = {}): BotModule {
  return {
    name: 'plans',
    commands: ['plan', 'upgrade'],
    menu: [{ label: 'menu_plan', data: 'menu:plan' }],
    feature: planFeature(hooks),
  };
}
