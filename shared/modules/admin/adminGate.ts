import { type ChatTypeContext, Composer, Context } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { CommandName } from '../../bot/botCommands.js';
import { isAdmin } from './isAdmin.js';

/** The admin commands, in the order the admins' command menu lists them. */
export const ADMIN_COMMANDS = [
  'admin_stats', 'admin_users', 'admin_ban', 'admin_unban', 'admin_broadcast', 'admin_ff_add', 'admin_ff_remove', 'admin_ff_list',
] as const satisfies readonly CommandName[];

/** What admin features handle: private chats' updates from an admin. */
export type AdminContext = ChatTypeContext<BotContext, 'private'>;

const isAdminCommand = Context.has.command([...ADMIN_COMMANDS]);

/**
 * The door every admin command and button goes through, in private chats: an admin command or
 * an `adm:` button from someone who is not an admin passes on untouched, as if nothing here
 * knew it, so the fallback gives them the ordinary "unknown command" answer (and a button press
 * a silent answer), and nothing more. Whether the sender is an admin is asked on the server for
 * every such update; other updates pass without a query. Answers to the admins' questions are
 * inputs (`BotModule.inputs`), which check the sender themselves.
 */
export function adminGate(...features: Composer<AdminContext>[]): Composer<BotContext> {
  const gate = new Composer<BotContext>();
  gate.chatType('private').filter(async (ctx) => {
    const concerns = isAdminCommand(ctx) || ctx.callbackQuery?.data?.startsWith('adm:') === true;
    return concerns && (await isAdmin(ctx));
  }, ...features);
  return gate;
}
