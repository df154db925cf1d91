import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { accountFeature, accountInputs } from './accountFeature.js';
import type { InstapostServices } from './InstapostServices.js';

/**
 * InstaPost: Instagram accounts (`/account`). Without services (the static list that names
 * commands and update types for `npm run set-commands` and the webhook) it declares its
 * commands only; the bot runs it with the services its configuration made.
 */
export function createInstapostModule(services?: InstapostServices): BotModule {
  const declared = {
    name: 'instapost',
    commands: ['account'],
    menu: [{ label: 'menu_account', data: 'menu:account' }],
  } as const satisfies BotModule;
  if (!services) return declared;
  return {
    ...declared,
    feature: new Composer<BotContext>(accountFeature(services)),
    inputs: { ...accountInputs(services) },
  };
}
