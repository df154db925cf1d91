import type { BotModule } from '../../bot/BotModule.js';
import { adminBroadcastFeature } from './adminBroadcastFeature.js';
import { ADMIN_COMMANDS, adminGate } from './adminGate.js';
import { adminStatsFeature } from './adminStatsFeature.js';
import { adminUsersFeature, adminUsersInputs } from './adminUsersFeature.js';
import { friendsFamilyFeature, friendsFamilyInputs } from './friendsFamilyFeature.js';
import { userNoticeHandler } from './userNoticeHandler.js';

/**
 * The operators' commands (seed 004 §5.1, §5.1.1): statistics, users and bans, a broadcast to
 * all users, and Friends & Family. Hidden from everyone else's menus (set in the admins' chats
 * only) and refused on the server to anyone not an admin, for every message and button press,
 * with the answer an unknown command gets.
 */
export const adminModule: BotModule = {
  name: 'admin',
  adminCommands: ADMIN_COMMANDS,
  feature: adminGate(adminStatsFeature, adminUsersFeature, adminBroadcastFeature, friendsFamilyFeature),
  inputs: { ...adminUsersInputs, ...friendsFamilyInputs },
  jobs: ({ api }) => [userNoticeHandler({ api })],
};
