import type { Api } from 'grammy';
import { locales } from '../i18n/catalogs.js';
import { createTranslator } from '../i18n/createTranslator.js';
import { htmlToText } from '../i18n/htmlToText.js';
import { type CommandName, commandDescription } from './botCommands.js';
import type { BotModule } from './BotModule.js';

/**
 * Sets the command menu users see next to the message box: English for everyone (the
 * default list, which Telegram shows for any language without its own), then one list per
 * other language, which Telegram shows to users whose app is in that language. Groups get
 * their own menu (scope `all_group_chats`): the commands a group admin uses there. Both lists
 * come from the modules the bot runs, in their order, with /help last in private chats.
 */
export async function setBotCommands(api: Api, modules: readonly BotModule[]): Promise<void> {
  const privateCommands: CommandName[] = [...modules.flatMap((m) => m.commands ?? []), 'help'];
  const groupCommands = modules.flatMap((m) => m.groupCommands ?? []);
  for (const locale of locales) {
    const t = createTranslator(locale);
    const describe = (command: CommandName) => ({ command, description: htmlToText(t(commandDescription(command))) });
    const language = locale === 'en' ? {} : { language_code: locale };
    await api.setMyCommands(privateCommands.map(describe), language);
    if (groupCommands.length > 0) await api.setMyCommands(groupCommands.map(describe), { ...language, scope: { type: 'all_group_chats' } });
  }
}
