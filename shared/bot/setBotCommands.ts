import { type Api, GrammyError } from 'grammy';
import { locales } from '../i18n/catalogs.js';
import { createTranslator } from '../i18n/createTranslator.js';
import { htmlToText } from '../i18n/htmlToText.js';
import { type CommandName, commandDescription } from './botCommands.js';
import type { BotModule } from './BotModule.js';
import type { Logger } from '../logger.js';

/**
 * Sets the command menu users see next to the message box: English for everyone (the
 * default list, which Telegram shows for any language without its own), then one list per
 * other language, which Telegram shows to users whose app is in that language. Groups get
 * their own menu (scope `all_group_chats`): the commands a group admin uses there. Both lists
 * come from the modules the bot runs, in their order, with /help last in private chats.
 *
 * Each admin in `adminIds` gets, in their own chat only (scope `chat`, per language: Telegram
 * prefers a chat's list over the default list in any language), the private list followed by
 * the admin commands. Nobody else's menu shows them. An admin whose chat the bot cannot reach
 * (they never started it: "chat not found") is skipped with a warning and listed in the result;
 * running the command again once they have started the bot sets theirs. A list set for someone
 * later removed from ADMIN_TELEGRAM_IDS stays until `deleteMyCommands` for their chat: the
 * handlers refuse them anyway.
 */
export async function setBotCommands(api: Api, modules: readonly BotModule[],
  options: { adminIds?: readonly number[]; log?: Logger } = {}): Promise<{ adminsSkipped: number[] }> {
  const privateCommands: CommandName[] = [...modules.flatMap((m) => m.commands ?? []), 'help'];
  const groupCommands = modules.flatMap((m) => m.groupCommands ?? []);
  const adminCommands = modules.flatMap((m) => m.adminCommands ?? []);
  const adminsSkipped: number[] = [];
  for (const locale of locales) {
    const t = createTranslator(locale);
    const describe = (command: CommandName) => ({ command, description: htmlToText(t(commandDescription(command))) });
    const language = locale === 'en' ? {} : { language_code: locale };
    await api.setMyCommands(privateCommands.map(describe), language);
    if (groupCommands.length > 0) await api.setMyCommands(groupCommands.map(describe), { ...language, scope: { type: 'all_group_chats' } });
    if (adminCommands.length === 0) continue;
    for (const chatId of options.adminIds ?? []) {
      if (adminsSkipped.includes(chatId)) continue;
      try {
        await api.setMyCommands([...privateCommands, ...adminCommands].map(describe), { ...language, scope: { type: 'chat', chat_id: chatId } });
      } catch (err) {
        if (!(err instanceof GrammyError && err.error_code === 400)) throw err;
        options.log?.warn({ admin_id: chatId, error: err.description }, "could not set the admin's command menu (have they started the bot?)");
        adminsSkipped.push(chatId);
      }
    }
  }
  return { adminsSkipped };
}
