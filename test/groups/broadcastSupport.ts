import type { Message } from 'grammy/types';
import { chatMember, type EmulatedGroup, type EmulatedUser, type TelegramEmulator } from '../../emulator/telegram/index.js';
import type { Sql } from '../../shared/db/createSql.js';

// Shared by the broadcast tests: many registered, active groups made quickly, and the admin's
// side of the conversation.

export const WAIT = { timeoutMs: 20_000 };

/**
 * `count` groups where the bot is an admin, registered and active for `admin`, made without
 * updates: the world is changed directly and the rows written as /init and /activate would,
 * so that a thousand groups take milliseconds and spend none of Telegram's rate limits on
 * the bot's hello messages. (The emulator has no quiet way to add the bot; this is it.)
 */
export async function quietActiveGroups(telegram: TelegramEmulator, sql: Sql, admin: EmulatedUser, count: number, type: 'group' | 'supergroup' = 'supergroup'): Promise<EmulatedGroup[]> {
  const groups: EmulatedGroup[] = [];
  for (let i = 0; i < count; i++) {
    const group = telegram.createGroup({ title: `Broadcast group ${i + 1}`, type, creator: admin });
    telegram.world.setMember(telegram.world.chats.get(group.id)!, chatMember(telegram.world.botUser, 'administrator'));
    groups.push(group);
  }
  const rows = groups.map((g) => ({ chat_id: g.id, title: g.title, type: g.type, bot_status: 'administrator', admin_user_id: admin.id, registered_at: new Date(), active: true }));
  for (let i = 0; i < rows.length; i += 500) await sql`insert into groups ${sql(rows.slice(i, i + 500))}`;
  return groups;
}

/** A user the bot knows and who may broadcast (users.is_admin). */
export async function broadcastAdmin(telegram: TelegramEmulator, sql: Sql, name = 'Operator'): Promise<EmulatedUser> {
  const admin = telegram.createUser({ first_name: name, language_code: 'en' });
  await sql`insert into users (id, first_name, is_admin) values (${admin.id}, ${name}, true)`;
  return admin;
}

/**
 * Runs the admin's side of a broadcast: /broadcast, the audience, the content, Send. Resolves
 * with the progress message once Send was pressed.
 */
export async function runBroadcast(telegram: TelegramEmulator, admin: EmulatedUser, audience: 'groups' | 'users', text: string): Promise<Message> {
  admin.sendCommand('/broadcast');
  const ask = await telegram.waitForBotMessage(admin, (m) => /Who should receive it/.test(m.text ?? ''), WAIT);
  admin.pressButton(ask, `bc:aud:${audience}:${/\d+$/.exec(button(ask, 0))![0]}`);
  await telegram.waitFor(() => telegram.messagesIn(admin).find((m) => m.message_id === ask.message_id && /Send the message/.test(m.text ?? '')), { ...WAIT, description: 'the content prompt' });
  admin.sendMessage(text);
  const confirm = await telegram.waitForBotMessage(admin, (m) => /This is how it will look/.test(m.text ?? ''), WAIT);
  admin.pressButton(confirm, button(confirm, 0));
  await telegram.waitFor(() => telegram.messagesIn(admin).find((m) => m.message_id === confirm.message_id && /Broadcast #/.test(m.text ?? '')), { ...WAIT, description: 'the progress message' });
  return confirm;
}

/** The callback data of a message's n-th button. */
export function button(message: Message, n: number): string {
  const b = message.reply_markup?.inline_keyboard.flat()[n];
  return b && 'callback_data' in b ? b.callback_data : '';
}

/** Resolves with the admin's final report. */
export function waitForReport(telegram: TelegramEmulator, admin: EmulatedUser, timeoutMs = 60_000): Promise<Message> {
  return telegram.waitForBotMessage(admin, (m) => /Broadcast #\d+ (finished|stopped)/.test(m.text ?? ''), { timeoutMs });
}

/** The bot's messages in a chat that carry a broadcast's debug code. */
export function broadcastCopies(telegram: TelegramEmulator, chatId: number): Message[] {
  return telegram.messagesIn(chatId).filter((m) => /#b[0-9a-f]{5,}$/.test(m.text ?? m.caption ?? ''));
}

/**
 * A press of a button whose callback data the bot never sent, as a modified client can make:
 * a query on `message` carrying `data`. Resolves with the query id once the update was delivered.
 */
export async function forgePress(telegram: TelegramEmulator, user: EmulatedUser, message: Message, data: string): Promise<string> {
  const world = telegram.world;
  const query = { id: world.nextQueryId(user.id), from: user.user, message: world.chats.get(message.chat.id)!.messages.get(message.message_id)!, chat_instance: String(message.chat.id), data };
  world.callbackQueries.set(query.id, { query, askedAt: world.nowMs() });
  await telegram.deliver({ callback_query: query }).delivered;
  return query.id;
}
