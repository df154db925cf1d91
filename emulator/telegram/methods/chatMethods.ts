import type { ChatInviteLink, User } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import { chatMember, isPresent } from '../chatMember.js';
import { memberChangeUpdate } from '../memberChangeUpdate.js';
import { messageUpdate } from '../messageUpdate.js';
import type { ChatRecord } from '../World.js';
import { compact } from '../World.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';

/** Reading chats and members, managing join requests, invite links and the bot's own membership. */
export const chatMethods: Record<string, MethodHandler> = {
  getChat(ctx) {
    return ctx.world.chatFullInfo(ctx.world.chatWithAccess(ctx.params.chatId(), 'read'));
  },

  getChatMember(ctx) {
    const chat = readableChat(ctx);
    const user = knownUser(ctx);
    return ctx.world.member(chat, user.id) ?? chatMember(user, 'left');
  },

  getChatAdministrators(ctx) {
    const chat = readableChat(ctx);
    if (chat.type === 'private') throw badRequest('there are no administrators in the private chat');
    return [...chat.members.values()].filter((m) => m.status === 'creator' || m.status === 'administrator');
  },

  getChatMemberCount(ctx) {
    return [...readableChat(ctx).members.values()].filter(isPresent).length;
  },

  approveChatJoinRequest(ctx) {
    const { chat, user } = joinRequest(ctx);
    const request = chat.joinRequests.get(user.id);
    chat.joinRequests.delete(user.id);
    const old = ctx.world.member(chat, user.id) ?? chatMember(user, 'left');
    const member = chatMember(user, 'member');
    ctx.world.setMember(chat, member);
    ctx.publish(memberChangeUpdate(ctx.world, chat, ctx.world.botUser, old, member, compact({
      invite_link: request?.invite_link, via_join_request: true,
    })));
    // Groups show the join as a service message, which bots receive like any message.
    ctx.publish(messageUpdate(ctx.world.addMessage(chat, { from: user, new_chat_members: [user],
      new_chat_member: user, new_chat_participant: user })));
    return true;
  },

  declineChatJoinRequest(ctx) {
    const { chat, user } = joinRequest(ctx);
    chat.joinRequests.delete(user.id);
    ctx.world.changed();
    return true;
  },

  banChatMember(ctx) {
    if (ctx.world.findChat(ctx.params.chatId()).type === 'private') throw badRequest("can't ban members in private chats");
    const chat = managedChat(ctx, 'can_restrict_members', 'not enough rights to restrict/unrestrict chat member');
    const user = knownUser(ctx);
    const old = ctx.world.member(chat, user.id) ?? chatMember(user, 'left');
    if (old.status === 'creator') throw badRequest("can't remove chat owner");
    const banned = chatMember(user, 'kicked');
    ctx.world.setMember(chat, banned);
    ctx.publish(memberChangeUpdate(ctx.world, chat, ctx.world.botUser, old, banned));
    return true;
  },

  unbanChatMember(ctx) {
    // Supergroups and channels only (Client.cpp:15346): a basic group has no ban list.
    const target = ctx.world.findChat(ctx.params.chatId());
    if (target.type === 'private' || target.type === 'group') throw badRequest('method is available for supergroup and channel chats only');
    const chat = managedChat(ctx, 'can_restrict_members', 'not enough rights to restrict/unrestrict chat member');
    const user = knownUser(ctx);
    const old = ctx.world.member(chat, user.id);
    // only_if_banned leaves members alone; without it Telegram removes a present member too.
    if (old === undefined || (old.status !== 'kicked' && ctx.params.bool('only_if_banned'))) return true;
    const left = chatMember(user, 'left');
    chat.members.delete(user.id);
    ctx.world.changed();
    ctx.publish(memberChangeUpdate(ctx.world, chat, ctx.world.botUser, old, left));
    return true;
  },

  leaveChat(ctx) {
    const chat = ctx.world.chatForBot(ctx.params.chatId());
    if (chat.type === 'private') throw badRequest("can't leave private chats");
    const old = ctx.world.botMember(chat);
    const left = chatMember(ctx.world.botUser, 'left');
    chat.members.delete(ctx.world.bot.id);
    ctx.world.changed();
    ctx.publish(memberChangeUpdate(ctx.world, chat, ctx.world.botUser, old, left));
    return true;
  },

  createChatInviteLink(ctx) {
    const chat = managedChat(ctx, 'can_invite_users', 'not enough rights to manage chat invite link');
    // Names are cut to 32 characters (clean_name, DialogInviteLinkManager.cpp:973).
    const name = ctx.params.optionalString('name')?.slice(0, 32) || undefined;
    const createsJoinRequest = ctx.params.bool('creates_join_request');
    // Zero means no limit, and is left out of the link like a zero expire_date (JsonChatInviteLink, Client.cpp:1035).
    const memberLimit = ctx.params.optionalInt('member_limit') || undefined;
    if (createsJoinRequest && memberLimit !== undefined) {
      throw badRequest("member limit can't be specified for links requiring administrator approval");
    }
    const link: ChatInviteLink = compact({
      invite_link: `https://t.me/+${randomCode()}`,
      creator: ctx.world.botUser,
      creates_join_request: createsJoinRequest,
      is_primary: false,
      is_revoked: false,
      name,
      expire_date: ctx.params.optionalInt('expire_date') || undefined,
      member_limit: memberLimit,
    });
    chat.inviteLinks.set(link.invite_link, link);
    ctx.world.changed();
    return link;
  },

  revokeChatInviteLink(ctx) {
    const chat = managedChat(ctx, 'can_invite_users', 'not enough rights to manage chat invite link');
    const link = chat.inviteLinks.get(ctx.params.string('invite_link', badRequest('INVITE_HASH_EMPTY')));
    if (link === undefined) throw badRequest('INVITE_HASH_EXPIRED');
    link.is_revoked = true;
    ctx.world.changed();
    return link;
  },
};

/** The chat for calls that read its members (private chats stay readable after the user blocked the bot). */
function readableChat(ctx: MethodContext): ChatRecord {
  return ctx.world.chatWithAccess(ctx.params.chatId(), 'readMembers');
}

function knownUser(ctx: MethodContext): User {
  // The server's lax integer: missing, zero or not a number is "invalid user_id specified" (Client.cpp:12452-12457).
  const raw = ctx.params.raw.user_id;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' ? Number.parseInt(raw, 10) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw badRequest('invalid user_id specified');
  if (id === ctx.world.bot.id) return ctx.world.botUser;
  const user = ctx.world.users.get(id);
  if (user === undefined) throw badRequest('user not found');
  return user;
}

/** A chat where the bot must be an administrator holding `right`. */
function managedChat(ctx: MethodContext, right: 'can_invite_users' | 'can_restrict_members', missing: string): ChatRecord {
  const chat = ctx.world.chatForBot(ctx.params.chatId());
  if (chat.type === 'private') throw badRequest('method is available for supergroup and channel chats only');
  const me = ctx.world.botMember(chat);
  if (me.status === 'creator') return chat;
  // A plain member gets the same words as an admin without the right (DialogParticipantManager.cpp:2808-2809,
  // DialogInviteLinkManager.cpp:918, 927).
  if (me.status !== 'administrator' || !me[right]) throw badRequest(missing);
  return chat;
}

function joinRequest(ctx: MethodContext): { chat: ChatRecord; user: User } {
  const chat = managedChat(ctx, 'can_invite_users', 'CHAT_ADMIN_REQUIRED');
  const user = knownUser(ctx);
  if (isPresent(ctx.world.member(chat, user.id))) throw badRequest('USER_ALREADY_PARTICIPANT');
  if (!chat.joinRequests.has(user.id)) throw badRequest('HIDE_REQUESTER_MISSING');
  return { chat, user };
}

function randomCode(): string {
  return Array.from({ length: 16 }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'[Math.floor(Math.random() * 64)]).join('');
}
