import type { BotModule } from '../bot/BotModule.js';
import { broadcastsModule } from './broadcasts/index.js';
import { groupsModule } from './groups/index.js';
import { liveListModule } from './liveList/index.js';
import { pointsModule } from './points/index.js';
import { settingsModule } from './settings/index.js';
import { usersModule } from './users/index.js';

/**
 * Every module the bot runs, in the order /help, the main menu and the command menus list
 * their commands and buttons. A new product area is a folder in `shared/modules/` with an
 * `index.ts` like these, added here.
 */
export const allModules: readonly BotModule[] = [usersModule, pointsModule, liveListModule, settingsModule, groupsModule, broadcastsModule];
