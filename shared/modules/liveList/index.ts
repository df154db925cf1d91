import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { goLiveFeature } from './goLiveFeature.js';
import { usernameFeature, usernameInputs } from './usernameFeature.js';
import { liveFeature } from './liveFeature.js';

/** The live list: `/live`, `/golive` and the Instagram username it shows (`/username`). */
export const liveListModule: BotModule = {
  name: 'liveList',
  commands: ['live', 'golive', 'username'],
  menu: [
    { label: 'menu_live', data: 'menu:live' },
    { label: 'menu_golive', data: 'menu:golive' },
    { label: 'menu_username', data: 'menu:username' },
  ],
  feature: new Composer<BotContext>(goLiveFeature, liveFeature, usernameFeature),
  inputs: usernameInputs,
};
