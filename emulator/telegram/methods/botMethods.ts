import type { BotCommand } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';

/** The bot's identity and settings: getMe, command lists, and settings stored but not interpreted. */
export const botMethods: Record<string, MethodHandler> = {
  getMe(ctx) {
    return ctx.world.bot;
  },

  setMyCommands(ctx) {
    // A missing list sets an empty one (Client.cpp:10652-10656).
    const commands = ctx.params.json<BotCommand[]>('commands', badRequest("can't parse commands JSON object")) ?? [];
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
    const cleaned = commands.map(({ command, description }) => {
      // TDLib trims both and strips a leading "/" (BotCommand.cpp:185-201).
      const name = typeof command === 'string' ? command.trim().replace(/^\//, '') : '';
      const text = typeof description === 'string' ? description.trim() : '';
      // Telegram's rules: 1-32 lowercase letters, digits, underscores; description 1-256 chars.
      if (!/^[a-z0-9_]{1,32}$/.test(name)) throw badRequest('BOT_COMMAND_INVALID');
      if (text === '') throw badRequest('command description must be non-empty');
      if (text.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
      return { command: name, description: text };
    });
    ctx.world.commands.set(commandsKey(ctx), cleaned);
    ctx.world.changed();
    return true;
  },

  getMyCommands(ctx) {
    // No fallback to broader scopes or languages: Telegram returns exactly what was set for this pair.
    return ctx.world.commands.get(commandsKey(ctx)) ?? [];
  },

  deleteMyCommands(ctx) {
    ctx.world.commands.delete(commandsKey(ctx));
    ctx.world.changed();
    return true;
  },

  // Accepted so a bot's start-up configuration does not fail; nothing reads them back yet.
  setMyDescription: () => true,
  setMyShortDescription: () => true,
  setMyName: () => true,
  setChatMenuButton: () => true,
  setMyDefaultAdministratorRights: () => true,
  logOut: () => true,
  close: () => true,
};

/**
 * Command lists are stored per scope and language_code, as Telegram keeps them. A scope that
 * names a chat is checked as TDLib's get_bot_command_scope does (BotCommandScope.cpp): the chat
 * must be readable by the bot (check_dialog_access: a chat it has not met is "chat not found"), and
 * a private chat takes only the `chat` scope, not `chat_administrators` or `chat_member`.
 */
function commandsKey(ctx: MethodContext): string {
  const scope = ctx.params.json<Record<string, unknown>>('scope') ?? { type: 'default' };
  if (scope.type === 'chat' || scope.type === 'chat_administrators' || scope.type === 'chat_member') {
    const chatId = scope.chat_id;
    if (typeof chatId !== 'number' && typeof chatId !== 'string') throw badRequest('chat not found');
    const id = typeof chatId === 'string' && /^-?\d+$/.test(chatId) ? Number(chatId) : chatId;
    // A user the bot has no private chat with is a dialog TDLib cannot load: "chat not found"
    // (not the 403 a send gets: no message is being initiated).
    if (typeof id === 'number' && id > 0 && !ctx.world.chats.has(id)) throw badRequest('chat not found');
    const chat = ctx.world.chatWithAccess(id, 'read');
    if (chat.type === 'private' && scope.type !== 'chat') throw badRequest("can't use specified scope in private chats");
    if (chat.type === 'channel') throw badRequest("can't change commands in channel chats");
  }
  const sorted = Object.fromEntries(Object.entries(scope).sort(([a], [b]) => a.localeCompare(b)));
  return `${JSON.stringify(sorted)}|${ctx.params.optionalString('language_code') ?? ''}`;
}
