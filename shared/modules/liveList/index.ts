import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { goLiveFeature } from './goLiveFeature.js';
import { instagramFeature, instagramInputs } from './instagramFeature.js';
import { liveFeature } from './liveFeature.js';

/** The live list: `/live`, `/golive` and the Instagram username it shows (`/instagram`). */
export const liveListModule: BotModule = {
  name: 'liveList',
  commands: ['live', 'golive', 'instagram'],
  menu: [
    { label: 'menu_live', data: 'menu:live' },
    { label: 'menu_golive', data: 'menu:golive' },
    { label: 'menu_instagram', data: 'menu:instagram' },
  ],
  feature: new Composer<BotContext>(goLiveFeature, liveFeature, instagramFeature),
  inputs: instagramInputs,
};
