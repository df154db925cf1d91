import type { Api } from 'grammy';
import { locales } from '../i18n/catalogs.js';
import { createTranslator } from '../i18n/createTranslator.js';
import { htmlToText } from '../i18n/htmlToText.js';
import { botCommands, commandDescription } from './botCommands.js';

/**
 * Sets the command menu users see next to the message box: English for everyone (the
 * default list, which Telegram shows for any language without its own), then one list per
 * other language, which Telegram shows to users whose app is in that language.
 */
export async function setBotCommands(api: Api): Promise<void> {
  for (const locale of locales) {
    const t = createTranslator(locale);
    const commands = botCommands.map((command) => ({ command, description: htmlToText(t(commandDescription(command))) }));
    await api.setMyCommands(commands, locale === 'en' ? {} : { language_code: locale });
  }
}
