import type { Message, MessageEntity, PhotoSize } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import { detectEntities } from '../detectEntities.js';
import { formatText } from '../formatText.js';
import { sortEntities } from '../parseHtml.js';
import { isSameJson } from '../isSameJson.js';
import { inlineKeyboardOf, readReplyMarkup, type ReplyMarkup } from '../readReplyMarkup.js';
import type { ChatRecord } from '../World.js';
import { compact, QUERY_ID_INVALID } from '../World.js';
import type { MethodContext, MethodHandler } from './MethodContext.js';
import { readDocument } from './readDocument.js';
import { readPhoto } from './readPhoto.js';

// Parameters kept per message because the Message object does not show them.
const OPTION_PARAMS = ['parse_mode', 'reply_markup', 'link_preview_options', 'disable_web_page_preview',
  'disable_notification', 'protect_content', 'message_effect_id', 'allow_paid_broadcast', 'message_thread_id'];

/** The actions sendChatAction knows (get_chat_action). */
const CHAT_ACTIONS = new Set(['typing', 'upload_photo', 'record_video', 'upload_video', 'record_voice', 'upload_voice',
  'upload_document', 'choose_sticker', 'find_location', 'record_video_note', 'upload_video_note', 'cancel']);

/** Telegram's own limits (core.telegram.org/bots/api#sendmessage, #sendphoto). */
const MAX_TEXT_LENGTH = 4096;
const MAX_CAPTION_LENGTH = 1024;
const MAX_DELETE_AGE_S = 2 * 86_400;

const NOT_MODIFIED = 'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

/** Sending, editing and deleting the bot's messages. */
export const messageMethods: Record<string, MethodHandler> = {
  sendMessage(ctx) {
    // The text is parsed before the chat is looked up (Client.cpp:12884-12899).
    const { text, entities } = messageText(ctx);
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    if (codePoints(text) > MAX_TEXT_LENGTH) throw badRequest('message is too long');
    return send(ctx, chat, { text, ...withEntities('entities', entities) });
  },

  async sendPhoto(ctx) {
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    const photo = await readPhoto(ctx);
    return send(ctx, chat, { photo, ...caption(ctx) });
  },

  async sendDocument(ctx) {
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    const document = await readDocument(ctx);
    return send(ctx, chat, { document, ...caption(ctx) });
  },

  sendChatAction(ctx) {
    // The action is read before the chat (Client.cpp:13440-13447).
    if (!CHAT_ACTIONS.has(ctx.params.optionalString('action') ?? '')) throw badRequest('wrong parameter action in request');
    ctx.world.chatForBot(ctx.params.chatId());
    return true;
  },

  editMessageText(ctx) {
    const { chat, message } = editable(ctx);
    if (message.text === undefined) throw badRequest('there is no text in the message to edit');
    const { text, entities } = messageText(ctx);
    if (codePoints(text) > MAX_TEXT_LENGTH) throw badRequest('MESSAGE_TOO_LONG');
    return edit(ctx, chat, message, 'text', { text, ...withEntities('entities', entities) });
  },

  editMessageCaption(ctx) {
    const { chat, message } = editable(ctx);
    if (message.photo === undefined) throw badRequest('there is no caption in the message to edit');
    return edit(ctx, chat, message, 'caption', caption(ctx));
  },

  editMessageReplyMarkup(ctx) {
    const { chat, message } = editable(ctx);
    return edit(ctx, chat, message, 'markup', {});
  },

  deleteMessage(ctx) {
    if ((ctx.params.optionalString('chat_id') ?? '') === '') throw badRequest('chat identifier is not specified');
    const chat = ctx.world.chatForBot(ctx.params.chatId());
    const message = chat.messages.get(ctx.params.int('message_id', badRequest('message identifier is not specified')));
    if (message === undefined) throw badRequest('message to delete not found');
    // Bots delete their own messages anywhere and incoming ones in private chats; in groups
    // others' messages need the can_delete_messages right.
    const me = ctx.world.botMember(chat);
    const canDeleteOthers = chat.type === 'private' || me.status === 'creator' ||
      (me.status === 'administrator' && me.can_delete_messages);
    if (message.from?.id !== ctx.world.bot.id && !canDeleteOthers) throw badRequest("message can't be deleted");
    // "A message can only be deleted if it was sent less than 48 hours ago": private chats and
    // basic groups word it "for everyone" (MessagesManager.cpp:8239, 8316-8320).
    if (ctx.world.now() - message.date > MAX_DELETE_AGE_S) {
      throw badRequest(chat.type === 'private' || chat.type === 'group' ? "message can't be deleted for everyone" : "message can't be deleted");
    }
    chat.messages.delete(message.message_id);
    ctx.world.changed();
    return true;
  },

  answerCallbackQuery(ctx) {
    const id = ctx.params.string('callback_query_id', badRequest(QUERY_ID_INVALID));
    const query = ctx.world.callbackQueries.get(id);
    // Too late is the same error as unknown: the app stopped waiting (Client.cpp:149-151).
    if (query === undefined || query.answer !== undefined ||
      !ctx.world.inAnswerWindow(query.askedAt, ctx.world.answerWindows.callbackQueryMs)) {
      throw badRequest(QUERY_ID_INVALID);
    }
    const text = ctx.params.optionalString('text');
    if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
    query.answer = { ...ctx.params.raw };
    ctx.world.changed();
    return true;
  },
};

/**
 * The `text` parameter formatted, with the auto-detected links, mentions, hashtags and
 * commands TDLib adds to every message (find_entities, MessageEntity.cpp:4720). An empty raw
 * text is "message text is empty" (Client.cpp:11401); one that is empty once formatted and
 * trimmed is "text must be non-empty" (fix_formatted_text, MessageEntity.cpp:4641).
 */
function messageText(ctx: MethodContext): { text: string; entities: MessageEntity[] } {
  const raw = ctx.params.string('text', badRequest('message text is empty'));
  const formatted = formatText(raw, ctx.params, 'text');
  if (formatted.text === '') throw badRequest('text must be non-empty');
  return { text: formatted.text, entities: withDetected(formatted.text, formatted.entities) };
}

/** Adds the entities TDLib finds in a text where they do not overlap one the bot gave. */
function withDetected(text: string, entities: MessageEntity[]): MessageEntity[] {
  const found = detectEntities(text).filter((candidate) => !entities.some((given) =>
    candidate.offset < given.offset + given.length && given.offset < candidate.offset + candidate.length));
  return found.length === 0 ? entities : sortEntities([...entities, ...found]);
}

/** Telegram counts message length in Unicode code points (utf8_length, MessageContent.cpp:4664). */
function codePoints(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

/** Reads caption, caption_entities and parse_mode into message fields. */
export function caption(ctx: MethodContext): Partial<Message> {
  const raw = ctx.params.optionalString('caption');
  if (raw === undefined) return {};
  const { text, entities } = formatText(raw, ctx.params, 'caption');
  if (codePoints(text) > MAX_CAPTION_LENGTH) throw badRequest('message caption is too long');
  return text === '' ? {} : { caption: text, ...withEntities('caption_entities', withDetected(text, entities)) };
}

function withEntities(field: 'entities' | 'caption_entities', entities: MessageEntity[]): Partial<Message> {
  return entities.length === 0 ? {} : { [field]: entities };
}

/** Stores a new bot message with the common send options, after the rate limits allow it. */
export function send(ctx: MethodContext, chat: ChatRecord, content: Partial<Message>): Message {
  const markup = readReplyMarkup(ctx.params);
  const replyTo = replyTarget(ctx, chat);
  const linkPreview = ctx.params.json<Message['link_preview_options']>('link_preview_options');
  ctx.countMessage(chat);
  const sender = chat.type === 'channel' ? { sender_chat: ctx.world.chatObject(chat) } : { from: ctx.world.botUser };
  const message = ctx.world.addMessage(chat, compact({
    ...sender,
    ...content,
    reply_to_message: replyTo,
    link_preview_options: linkPreview,
    // Only inline keyboards show up in a Message; reply keyboards stay in sentOptions.
    reply_markup: inlineKeyboardOf(markup),
  }));
  ctx.sentOptions.set(message, pick(ctx.params.raw, OPTION_PARAMS));
  return message;
}

function replyTarget(ctx: MethodContext, chat: ChatRecord): Message | undefined {
  const parameters = ctx.params.json<{ message_id?: number; allow_sending_without_reply?: boolean }>('reply_parameters');
  const id = parameters?.message_id ?? ctx.params.optionalInt('reply_to_message_id');
  if (id === undefined) return undefined;
  const target = chat.messages.get(id);
  if (target !== undefined) {
    // Telegram does not nest replies: the replied-to message comes without its own reply_to_message.
    const { reply_to_message: _nested, ...flat } = target;
    return flat as Message;
  }
  if (parameters?.allow_sending_without_reply === true || ctx.params.bool('allow_sending_without_reply')) return undefined;
  throw badRequest('message to be replied not found');
}

/** The message an edit method addresses, with Telegram's errors when it cannot be edited. */
function editable(ctx: MethodContext): { chat: ChatRecord; message: Message } {
  if (ctx.params.has('inline_message_id')) throw badRequest('MESSAGE_ID_INVALID');
  const chat = ctx.world.chatWithAccess(ctx.params.chatId(), 'edit');
  // A missing or zero message_id is "message to edit not found" (check_message, Client.cpp:8418-8420).
  const message = chat.messages.get(ctx.params.optionalInt('message_id') ?? 0);
  if (message === undefined) throw badRequest('message to edit not found');
  // In channels every post is the channel's, and admins with can_edit_messages may edit any.
  const channelPost = chat.type === 'channel' && message.sender_chat?.id === chat.id;
  if (message.from?.id !== ctx.world.bot.id && !channelPost) {
    throw badRequest("message can't be edited");
  }
  // A message sent with a reply keyboard, remove_keyboard or force_reply cannot be edited
  // (can_edit_message: only an inline keyboard or none, MessagesManager.cpp:22841-22843).
  const sentMarkup = ctx.sentOptions.get(message)?.reply_markup;
  const sent = typeof sentMarkup === 'string' ? safeJson(sentMarkup) : sentMarkup;
  if (typeof sent === 'object' && sent !== null && !('inline_keyboard' in sent)) throw badRequest("message can't be edited");
  return { chat, message };
}

function safeJson(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Applies an edit. A missing reply_markup removes the inline keyboard, as in Telegram (a
 * classic surprise: editing the text of a message with buttons drops the buttons).
 */
function edit(ctx: MethodContext, chat: ChatRecord, message: Message, part: 'text' | 'caption' | 'markup',
  content: Partial<Message>): Message {
  const markup: ReplyMarkup | undefined = readReplyMarkup(ctx.params);
  if (markup !== undefined && !('inline_keyboard' in markup)) throw badRequest('inline keyboard expected');
  const next = { ...message } as Message & Record<string, unknown>;
  // The edited part is replaced as a whole: a caption edit without `caption` removes the caption.
  if (part === 'text') delete next.entities;
  if (part === 'caption') {
    delete next.caption;
    delete next.caption_entities;
  }
  Object.assign(next, content);
  delete next.reply_markup;
  const keyboard = inlineKeyboardOf(markup);
  if (keyboard !== undefined) next.reply_markup = keyboard;
  if (isSameJson(strip(message), strip(next))) throw badRequest(NOT_MODIFIED);
  next.edit_date = ctx.world.now();
  chat.messages.set(message.message_id, next);
  ctx.sentOptions.set(next, pick(ctx.params.raw, OPTION_PARAMS));
  ctx.world.changed();
  // The edited message comes back without the message it replies to (JsonMessage with
  // need_reply = false, Client.cpp:6348); the stored message keeps it.
  const { reply_to_message: _reply, ...result } = next;
  return result as Message;
}

function strip(message: Message): unknown {
  const { edit_date: _editDate, ...rest } = message;
  return rest;
}

function pick(raw: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((key) => raw[key] !== undefined).map((key) => [key, raw[key]]));
}

/** The three sizes Telegram generates for a photo, each with its own file. */
export function photoSizes(ctx: Pick<MethodContext, 'world'>, bytes: number): PhotoSize[] {
  return [[90, 67, 0.02], [320, 240, 0.15], [800, 600, 1]].map(([width = 0, height = 0, share = 1]) => {
    const file = ctx.world.addFile('photos', Math.max(1, Math.round(bytes * share)));
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size, width, height };
  });
}
