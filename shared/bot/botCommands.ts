import type { MessageKey } from '../i18n/catalogs.js';

/**
 * The commands of a private chat with the bot, in menu order. /help and the command menu
 * (`setMyCommands`) are both made from this list, so they cannot disagree.
 */
export const botCommands = ['start', 'points', 'live', 'golive', 'instagram', 'settings', 'help'] as const;

/** The commands of a group, shown in the menu of every group chat. */
export const groupCommands = ['init', 'activate', 'greet'] as const;

/** A command from {@link botCommands} or {@link groupCommands}. */
export type BotCommandName = (typeof botCommands)[number] | (typeof groupCommands)[number];

/** The message that describes a command in one line. */
export const commandDescription = (command: BotCommandName): MessageKey => `command_${command}`;
