import type { ChatMember } from 'grammy/types';

/**
 * The admin rights the bot needs in a group, in the order an admin should grant them.
 * `can_invite_users` ("Invite users via link") is what approveChatJoinRequest requires.
 */
export const REQUIRED_BOT_RIGHTS = ['can_invite_users'] as const;
export type RequiredBotRight = (typeof REQUIRED_BOT_RIGHTS)[number];

/** True when the member is the chat's creator or an administrator. */
export function isBotAdmin(member: ChatMember): boolean {
  return member.status === 'administrator' || member.status === 'creator';
}

/** The `can_*` rights of an administrator (empty for anyone else), as stored in `groups.bot_rights`. */
export function botRightsOf(member: ChatMember): Record<string, boolean> {
  if (member.status !== 'administrator') return {};
  return Object.fromEntries(Object.entries(member).filter(([k, v]) => k.startsWith('can_') && typeof v === 'boolean')) as Record<string, boolean>;
}

/**
 * What the bot lacks to run a group: `not_admin`, or the first required right it was not
 * given, or `null` when it has everything.
 */
export function missingBotRight(member: ChatMember): 'not_admin' | RequiredBotRight | null {
  if (member.status === 'creator') return null;
  if (member.status !== 'administrator') return 'not_admin';
  return REQUIRED_BOT_RIGHTS.find((right) => member[right] !== true) ?? null;
}
