import type { Message } from 'grammy/types';
import type { TelegramEmulator } from '../TelegramEmulator.js';

/** A message as the sandbox page renders it. */
export interface SandboxMessage {
  message: Message;
  fromBot: boolean;
  /** A reply keyboard the bot attached (Telegram's Message omits it, so it comes from the sent options). */
  replyKeyboard?: unknown;
}

/** What the sandbox page polls: who exists, the groups, and one chat's messages. */
export interface SandboxState {
  version: number;
  bot: { id: number; first_name: string; username: string };
  webhook: string | null;
  users: Array<{ id: number; first_name: string; username?: string; blockedBot: boolean }>;
  groups: Array<{ id: number; title: string; type: string; botStatus: string; members: Array<{ id: number; status: string }>;
    joinRequests: number[] }>;
  messages: SandboxMessage[];
  /** Answers the bot gave to button presses, by callback query id (shown as toasts). */
  callbackAnswers: Record<string, { text?: unknown; show_alert?: unknown }>;
  /**
   * The user the page opens as when it has none (first open, or its remembered user is gone
   * after a restart), in their private chat with the bot; `null` for the "pick" list.
   */
  openAs: number | null;
}

/** Builds the state for the page, with the messages of `chatId` when given. */
export function sandboxState(emulator: TelegramEmulator, chatId: number | undefined, openAs: number | null = null): SandboxState {
  const world = emulator.world;
  const chat = chatId === undefined ? undefined : world.chats.get(chatId);
  const callbackAnswers: SandboxState['callbackAnswers'] = {};
  for (const [id, { answer }] of world.callbackQueries) {
    if (answer !== undefined) callbackAnswers[id] = { text: answer.text, show_alert: answer.show_alert };
  }
  return {
    version: world.version,
    bot: { id: world.bot.id, first_name: world.bot.first_name, username: world.bot.username },
    webhook: emulator.webhook?.url ?? null,
    users: emulator.users.map((user) => ({
      id: user.id, first_name: user.user.first_name, username: user.user.username, blockedBot: user.hasBlockedBot,
    })),
    groups: emulator.groups.map((group) => ({
      id: group.id,
      title: group.title,
      type: group.type,
      botStatus: group.botMember.status,
      members: group.members.filter((m) => m.user.id !== world.bot.id).map((m) => ({ id: m.user.id, status: m.status })),
      joinRequests: [...(world.chats.get(group.id)?.joinRequests.keys() ?? [])],
    })),
    messages: chat === undefined ? [] : [...chat.messages.values()].map((message) => {
      const fromBot = message.from?.id === world.bot.id;
      const markup = fromBot ? emulator.sentOptions(message)?.reply_markup : undefined;
      const replyKeyboard = typeof markup === 'object' && markup !== null && 'keyboard' in markup ? markup.keyboard : undefined;
      return replyKeyboard === undefined ? { message, fromBot } : { message, fromBot, replyKeyboard };
    }),
    callbackAnswers,
    openAs: openAs !== null && emulator.users.some((u) => u.id === openAs) ? openAs : null,
  };
}
