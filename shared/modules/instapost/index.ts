import { Composer } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { BotModule } from '../../bot/BotModule.js';
import { accountFeature, accountInputs } from './accountFeature.js';
import { bulkFeature, bulkInputs } from './bulkFeature.js';
import { postFeature, postInputs } from './postFeature.js';
import { deleteStoredCopiesHandler } from './deleteStoredCopies.js';
import { publishPostHandler } from './publishPostHandler.js';
import { remindPostHandler } from './remindPost.js';
import { flaggedPostsFeature } from './flaggedPostsFeature.js';
import { queueFeature } from './queueFeature.js';
import { scheduleFeature, scheduleInputs } from './scheduleFeature.js';
import type { InstapostServices } from './InstapostServices.js';
import { defaultAccountRow, defaultAccountSettingsFeature } from './defaultAccountSettings.js';
import { hashtagInputs, hashtagSettingsFeature, hashtagsRow } from './hashtagSettings.js';
import { reminderRow, reminderSettingsFeature } from './reminderSettings.js';
import { templateInputs, templatesRow, templateSettingsFeature } from './templateSettings.js';
import { timeZoneInputs, timeZoneRow, timeZoneSettingsFeature } from './timeZoneSettings.js';

/**
 * InstaPost: posts (`/post`, `/bulk`), Instagram accounts (`/account`), the queue, schedule and history, and its
 * rows of `/settings` (time zone, default account, caption templates, auto hashtags, reminders). Without services (the static list that names
 * commands and update types for `npm run set-commands` and the webhook) it declares its
 * commands only; the bot runs it with the services its configuration made.
 */
export function createInstapostModule(services?: InstapostServices): BotModule {
  const declared = {
    name: 'instapost',
    commands: ['post', 'bulk', 'queue', 'history', 'schedule', 'account'],
    menu: [{ label: 'menu_post', data: 'menu:post' }, { label: 'menu_queue', data: 'menu:queue' }, { label: 'menu_account', data: 'menu:account' }],
  } as const satisfies BotModule;
  if (!services) return declared;
  return {
    ...declared,
    // Its rows of /settings (the settings module shows them; their screens are features here).
    settings: [timeZoneRow, defaultAccountRow, templatesRow, hashtagsRow, reminderRow],
    feature: new Composer<BotContext>(accountFeature(services), postFeature(services), bulkFeature, queueFeature, flaggedPostsFeature, scheduleFeature,
      timeZoneSettingsFeature, defaultAccountSettingsFeature, templateSettingsFeature, hashtagSettingsFeature, reminderSettingsFeature),
    inputs: { ...accountInputs(services), ...postInputs(), ...bulkInputs, ...scheduleInputs, ...timeZoneInputs, ...templateInputs, ...hashtagInputs },
    jobs: (deps) => [publishPostHandler({ api: deps.api, services }), deleteStoredCopiesHandler({ storage: services.storage }),
      remindPostHandler({ api: deps.api, services })],
  };
}
