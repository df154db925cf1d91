import type { MessageKey } from '../i18n/catalogs.js';

/**
 * A command the bot lists: one with a `command_<name>` message that describes it, so a command
 * without its description fails the typecheck.
 */
export type CommandName = MessageKey extends infer K ? (K extends `command_${infer C}` ? C : never) : never;

/** The message that describes a command in one line. */
export const commandDescription = (command: CommandName): MessageKey => `command_${command}`;
