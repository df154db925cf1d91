import type { MessageKey } from '../i18n/catalogs.js';

/**
 * The commands of a private chat with the bot, in menu order. /help and the command menu
 * (`setMyCommands`) are both made from this list, so they cannot disagree.
 */
export const botCommands = ['start', 'points', 'live', 'golive', 'instagram', 'settings', 'help'] as const;

/** A command from {@link botCommands}. */
export type BotCommandName = (typeof botCommands)[number];

/** The message that describes a command in one line. */
export const commandDescription = (command: BotCommandName): MessageKey => `command_${command}`;
