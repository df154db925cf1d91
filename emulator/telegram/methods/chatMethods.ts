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
    return ctx.world.chatFullInfo(readableChat(ctx));
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
    if (chat.type === 'private') throw badRequest('chat member status can\'t be changed in private chats');
    const old = ctx.world.botMember(chat);
    const left = chatMember(ctx.world.botUser, 'left');
    chat.members.delete(ctx.world.bot.id);
    ctx.world.changed();
    ctx.publish(memberChangeUpdate(ctx.world, chat, ctx.world.botUser, old, left));
    return true;
  },

  createChatInviteLink(ctx) {
    const chat = managedChat(ctx, 'can_invite_users', 'not enough rights to manage chat invite link');
    const name = ctx.params.optionalString('name');
    if (name !== undefined && name.length > 32) throw badRequest('INVITE_LINK_NAME_INVALID');
    const createsJoinRequest = ctx.params.bool('creates_join_request');
    const memberLimit = ctx.params.optionalInt('member_limit');
    if (createsJoinRequest && memberLimit !== undefined) {
      throw badRequest("member_limit can't be specified for links that create join requests");
    }
    const link: ChatInviteLink = compact({
      invite_link: `https://t.me/+${randomCode()}`,
      creator: ctx.world.botUser,
      creates_join_request: createsJoinRequest,
      is_primary: false,
      is_revoked: false,
      name,
      expire_date: ctx.params.optionalInt('expire_date'),
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

/** The chat for reading calls; private chats stay readable after the user blocked the bot. */
function readableChat(ctx: MethodContext): ChatRecord {
  const chatId = ctx.params.chatId();
  const chat = ctx.world.findChat(chatId);
  return chat.type === 'private' ? chat : ctx.world.chatForBot(chatId);
}

function knownUser(ctx: MethodContext): User {
  const id = ctx.params.int('user_id', badRequest('user_id is empty'));
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
  if (me.status !== 'administrator') throw badRequest('CHAT_ADMIN_REQUIRED');
  if (!me[right]) throw badRequest(missing);
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
