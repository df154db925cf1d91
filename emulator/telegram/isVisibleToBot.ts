import type { Message } from 'grammy/types';
import { isPresent } from './chatMember.js';
import type { UpdateBody } from './UserAction.js';
import type { World } from './World.js';

/**
 * Whether Telegram would send this update to the bot at all, given who is in which chat:
 * group messages need the bot in the group and, in privacy mode (the default for bots), to be
 * a command for this bot, a reply to the bot, a service message, or the bot to be an admin;
 * join requests need the can_invite_users right, chat_member updates admin rights.
 * (core.telegram.org/bots/features#privacy-mode)
 */
export function isVisibleToBot(world: World, body: UpdateBody): boolean {
  const message = body.message ?? body.edited_message;
  if (message !== undefined) return messageVisible(world, message);
  const channelPost = body.channel_post ?? body.edited_channel_post;
  if (channelPost !== undefined) return botIn(world, channelPost.chat.id);
  if (body.chat_join_request !== undefined) {
    const chat = world.chats.get(body.chat_join_request.chat.id);
    const me = chat === undefined ? undefined : world.botMember(chat);
    return me?.status === 'creator' || (me?.status === 'administrator' && me.can_invite_users);
  }
  if (body.chat_member !== undefined) {
    const chat = world.chats.get(body.chat_member.chat.id);
    const status = chat === undefined ? undefined : world.botMember(chat).status;
    return status === 'administrator' || status === 'creator';
  }
  return true;
}

function botIn(world: World, chatId: number): boolean {
  const chat = world.chats.get(chatId);
  return chat !== undefined && isPresent(world.botMember(chat));
}

function messageVisible(world: World, message: Message): boolean {
  const chat = world.chats.get(message.chat.id);
  if (chat === undefined) return false;
  const me = world.botMember(chat);
  if (chat.type === 'private') return me.status !== 'kicked';
  if (!isPresent(me)) return false;
  if (world.bot.can_read_all_group_messages || me.status === 'administrator' || me.status === 'creator') return true;
  if (message.reply_to_message?.from?.id === world.bot.id) return true;
  const text = message.text ?? message.caption;
  if (text === undefined) return message.photo === undefined; // service messages always reach the bot
  const entities = message.entities ?? message.caption_entities ?? [];
  return entities.some((entity) => {
    if (entity.type !== 'bot_command') return false;
    const addressee = text.slice(entity.offset, entity.offset + entity.length).split('@')[1];
    return addressee === undefined || addressee.toLowerCase() === world.bot.username.toLowerCase();
  });
}
