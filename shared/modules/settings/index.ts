import type { BotModule } from '../../bot/BotModule.js';
import { settingsFeature } from './settingsFeature.js';

/** Settings: the user's language (`/settings`). */
export const settingsModule: BotModule = {
  name: 'settings',
  commands: ['settings'],
  menu: [{ label: 'menu_settings', data: 'menu:settings' }],
  feature: settingsFeature,
};
