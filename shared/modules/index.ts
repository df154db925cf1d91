import type { BotModule } from '../bot/BotModule.js';
import { adminModule } from './admin/index.js';
import type { BotFeature } from './botFeatures.js';
import { BOT_FEATURES } from './botFeatures.js';
import { alertsModule } from './alerts/index.js';
import { broadcastsModule } from './broadcasts/index.js';
import { groupsModule } from './groups/index.js';
import { createInstapostModule } from './instapost/index.js';
import type { InstapostServices } from './instapost/InstapostServices.js';
import { liveListModule } from './liveList/index.js';
import { paymentPlanHooks, paymentsModule } from './payments/index.js';
import { createPlansModule } from './plans/index.js';
import { pointsModule } from './points/index.js';
import { settingsModule } from './settings/index.js';
import { usersModule } from './users/index.js';

/**
 * The modules of the products in `features` (BOT_FEATURES), in the order /help, the main menu
 * and the command menus list their commands and buttons. Registration, settings and broadcasts
 * serve both products. InstaPost runs with the services its configuration made; without them it
 * only declares its commands (for the static lists below). A new product area is a folder in
 * `shared/modules/` with an `index.ts` like these, added here.
 */
export function botModules(features: readonly BotFeature[], services: { instapost?: InstapostServices } = {}): BotModule[] {
  const growth = features.includes('growth');
  return [
    usersModule,
    ...(growth ? [pointsModule, liveListModule] : []),
    ...(features.includes('instapost') ? [createInstapostModule(services.instapost), createPlansModule(paymentPlanHooks), paymentsModule] : []),
    settingsModule,
    ...(growth ? [groupsModule] : []),
    broadcastsModule,
    adminModule,
    alertsModule,
  ];
}

/** Every module of every product: what the command menus and `allowed_updates` are made from. */
export const allModules: readonly BotModule[] = botModules(BOT_FEATURES);

/** The growth bot alone: what a worker runs when it is given no modules (tests of the growth product). */
export const growthModules: readonly BotModule[] = botModules(['growth']);
