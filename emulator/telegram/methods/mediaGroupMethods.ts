import type { Message } from 'grammy/types';
import { ApiParams } from '../ApiParams.js';
import { badRequest } from '../apiErrors.js';
import { newMediaGroupId } from '../userMedia.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';
import { caption, send } from './messageMethods.js';
import { readDocument } from './readDocument.js';
import { readPhoto } from './readPhoto.js';

/** The server's own limit on an album (MessageContent.cpp:5327, "server-side limit"). */
const MAX_GROUPED = 10;

/** Reads `media` the way the Bot API server does: a JSON array of InputMedia objects (Client.cpp get_input_message_contents). */
function readMediaArray(ctx: MethodContext): Record<string, unknown>[] {
  const raw = ctx.params.raw.media;
  if (raw === undefined || raw === null || raw === '') throw badRequest('Parameter "media" is required');
  let value: unknown = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch {
      throw badRequest("Can't parse media JSON object");
    }
  }
  if (!Array.isArray(value)) throw badRequest('Expected an Array of InputMedia');
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badRequest("Can't parse InputMedia: expected an Object");
    const media = item as Record<string, unknown>;
    const type = media.type;
    if (typeof type !== 'string') throw badRequest('Can\'t parse InputMedia: Field "type" must be of type String');
    if (type === 'animation') throw badRequest('Can\'t parse InputMedia: type "animation" can\'t be used in sendMediaGroup');
    // Photos and documents are modelled; videos and audio are not (no test sends them).
    if (type !== 'photo' && type !== 'document') throw badRequest(`Can't parse InputMedia: type "${type}" is unsupported`);
    if (typeof media.media !== 'string' || media.media === '') throw badRequest("Can't parse InputMedia: media not found");
    return media;
  });
}

/**
 * sendMediaGroup: 1–10 photos or documents sent as one album, each a message of its own with its
 * own caption, sharing a media_group_id (TDLib gives an album of one none: MessagesManager.cpp
 * send_message_group, `size() > 1`). The media are parsed before the chat is looked up, as the
 * Bot API server does; the count is TDLib's check ("Too many messages to send as an album",
 * "There are no messages to send"), and documents cannot be mixed with photos. An album takes no
 * reply_markup. Each message counts toward the rate limits.
 */
export const mediaGroupMethods: Record<string, MethodHandler> = {
  async sendMediaGroup(ctx) {
    const items = readMediaArray(ctx);
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    if (items.length > MAX_GROUPED) throw badRequest('Too many messages to send as an album');
    if (items.length === 0) throw badRequest('There are no messages to send');
    if (new Set(items.map((i) => i.type)).size > 1) throw badRequest("Document can't be mixed with other media types");
    // Every item is read (and may fail) before any message is sent: an album arrives whole or not at all.
    const contents: Partial<Message>[] = [];
    for (const item of items) {
      const { reply_markup: _markup, ...shared } = ctx.params.raw;
      const own = new ApiParams({ ...shared, [item.type as string]: item.media, caption: item.caption, parse_mode: item.parse_mode,
        caption_entities: item.caption_entities });
      const itemCtx: MethodContext = { ...ctx, params: own };
      const media = item.type === 'photo' ? { photo: await readPhoto(itemCtx) } : { document: await readDocument(itemCtx) };
      contents.push({ ...media, ...caption(itemCtx) });
    }
    const group = items.length > 1 ? { media_group_id: newMediaGroupId() } : {};
    return contents.map((content) => {
      const { reply_markup: _markup, ...shared } = ctx.params.raw;
      return send({ ...ctx, params: new ApiParams(shared) }, chat, { ...content, ...group });
    });
  },
};
