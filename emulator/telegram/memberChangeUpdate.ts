import type { ChatInviteLink, ChatMember, User } from 'grammy/types';
import type { UpdateBody } from './UserAction.js';
import type { ChatRecord, World } from './World.js';

/**
 * The update for a change of someone's membership: `my_chat_member` when it is the bot's own,
 * `chat_member` otherwise (which Telegram sends only when allowed_updates lists it and the
 * bot is an administrator).
 *
 * @param from who made the change (the user who added the bot, the admin who approved...)
 */
export function memberChangeUpdate(world: World, chat: ChatRecord, from: User, oldMember: ChatMember,
  newMember: ChatMember, extra: { invite_link?: ChatInviteLink; via_join_request?: boolean } = {}): UpdateBody {
  const change = {
    chat: world.chatObject(chat),
    from,
    date: world.now(),
    old_chat_member: oldMember,
    new_chat_member: newMember,
    ...extra,
  };
  return newMember.user.id === world.bot.id ? { my_chat_member: change } : { chat_member: change };
}
