import type { Message } from 'grammy/types';
import type { EmulatedUser, TelegramEmulator } from '../../emulator/telegram/index.js';
import { ADMIN_COMMANDS } from '../../shared/modules/admin/adminGate.js';
import type { Queryable } from '../../shared/db/Queryable.js';
import type { Stack } from '../support/startStack.js';
import type { TestDatabase } from '../support/testDatabase.js';

// Shared by the admin tests: a registered user, the admin's side of a question, and what a
// non-admin is shown.

export const WAIT = { timeoutMs: 20_000 };

/** Every admin command, with an argument where it takes one. */
export const ADMIN_COMMAND_LINES = ADMIN_COMMANDS.map((c) => (c === 'admin_ban' || c === 'admin_unban' || c === 'admin_ff_add' || c === 'admin_users' ? [c, '12345'] as const : [c, undefined] as const));

/** A user who has sent /start (registered), with their menu read. */
export async function registeredUser(stack: Stack, options: { first_name: string; username?: string; language_code?: string; id?: number }): Promise<EmulatedUser> {
  const user = stack.telegram.createUser({ language_code: 'en', ...options });
  user.sendCommand('/start');
  await stack.telegram.waitForBotMessage(user, undefined, WAIT);
  await stack.updatesDone();
  return user;
}

/** Sends a message and resolves with the bot's next message in that chat. */
export async function ask(telegram: TelegramEmulator, user: EmulatedUser, text: string, predicate?: (m: Message) => boolean): Promise<Message> {
  if (text.startsWith('/')) {
    const [command = '', ...rest] = text.split(' ');
    user.sendCommand(command, rest.length ? rest.join(' ') : undefined);
  } else {
    user.sendMessage(text);
  }
  return telegram.waitForBotMessage(user, predicate, WAIT);
}

/** The callback data of every button of a message. */
export function buttonsOf(message: Message): string[] {
  return (message.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data : ''));
}

const ROLLBACK = Symbol('rolled back');

/**
 * Runs `work` in a transaction that is rolled back at the end, so that the stack's worker never
 * sees (nor runs) the jobs it enqueues while the test reads them.
 */
export async function rolledBack(db: TestDatabase, work: (sql: Queryable) => Promise<void>): Promise<void> {
  try {
    await db.sql.begin(async (tx) => {
      await work(tx);
      throw ROLLBACK;
    });
  } catch (err) {
    if (err !== ROLLBACK) throw err;
  }
}
