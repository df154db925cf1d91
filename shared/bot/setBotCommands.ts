import type { Api } from 'grammy';
import { locales } from '../i18n/catalogs.js';
import { createTranslator } from '../i18n/createTranslator.js';
import { htmlToText } from '../i18n/htmlToText.js';
import { botCommands, commandDescription, groupCommands } from './botCommands.js';

/**
 * Sets the command menu users see next to the message box: English for everyone (the
 * default list, which Telegram shows for any language without its own), then one list per
 * other language, which Telegram shows to users whose app is in that language. Groups get
 * their own menu (scope `all_group_chats`): the commands a group admin uses there.
 */
export async function setBotCommands(api: Api): Promise<void> {
  for (const locale of locales) {
    const t = createTranslator(locale);
    const describe = (command: (typeof botCommands | typeof groupCommands)[number]) => ({ command, description: htmlToText(t(commandDescription(command))) });
    const language = locale === 'en' ? {} : { language_code: locale };
    await api.setMyCommands(botCommands.map(describe), language);
    await api.setMyCommands(groupCommands.map(describe), { ...language, scope: { type: 'all_group_chats' } });
  }
}
