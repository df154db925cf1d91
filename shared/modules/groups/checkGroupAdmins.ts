import type { Api } from 'grammy';
import type { ChatMember } from 'grammy/types';

/** Telegram's placeholder sender for an admin posting anonymously as the group. */
export const ANONYMOUS_ADMIN_ID = 1087968824;

/** What Telegram says about a user and the bot in a group, asked at once. */
export interface GroupAdminCheck {
  userIsAdmin: boolean;
  bot: ChatMember;
}

/**
 * Asks Telegram (not the message) whether `userId` is an admin of the chat, and what the bot
 * itself is there: a message can be forwarded or spoofed in a client, getChatMember cannot.
 */
export async function checkGroupAdmins(api: Api, chatId: number, userId: number, botId: number): Promise<GroupAdminCheck> {
  const [user, bot] = await Promise.all([api.getChatMember(chatId, userId), api.getChatMember(chatId, botId)]);
  return { userIsAdmin: user.status === 'creator' || user.status === 'administrator', bot };
}
