import type { Message } from 'grammy/types';
import type { UpdateBody } from './UserAction.js';

/** The `message` update for a stored message (channel posts come as `channel_post`). */
export function messageUpdate(message: Message): UpdateBody {
  return message.chat.type === 'channel'
    ? { channel_post: message as NonNullable<UpdateBody['channel_post']> }
    : { message: message as NonNullable<UpdateBody['message']> };
}
