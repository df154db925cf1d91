import type { ChatInviteLink, ChatJoinRequest, InlineKeyboardButton, Message, User } from 'grammy/types';
import { chatMember, isPresent } from './chatMember.js';
import { detectEntities } from './detectEntities.js';
import { memberChangeUpdate } from './memberChangeUpdate.js';
import { photoSizes } from './methods/messageMethods.js';
import type { ChatRef, TelegramEmulator } from './TelegramEmulator.js';
import { messageUpdate } from './messageUpdate.js';
import type { UserAction } from './UserAction.js';
import { captionFields, documentOf, newMediaGroupId, photoSizesOf } from './userMedia.js';
import { type ChatRecord, compact } from './World.js';

/** Options of `emulator.createUser`. */
export interface CreateUserOptions {
  first_name: string;
  last_name?: string;
  username?: string;
  /** IETF tag the user's app reports, e.g. 'en'. */
  language_code?: string;
  is_premium?: true;
  /** A fixed id; by default ids count up from 7000000001. */
  id?: number;
}

/** Where a user action happens: the private chat with the bot (default) or a group. */
export interface InChat {
  /** A group the user is a member of; omitted: the private chat with the bot. */
  chat?: ChatRef;
}

/** A button to press: its callback_data, or `{ text }` to find it by label. */
export type ButtonRef = string | { text: string };

/**
 * A Telegram user driven by a test or the sandbox. Each action changes the world as Telegram
 * would and returns the update the bot gets ({@link UserAction}); await `.delivered` to know
 * the bot has it.
 */
export class EmulatedUser {
  readonly user: User;
  readonly #emulator: TelegramEmulator;

  constructor(emulator: TelegramEmulator, user: User) {
    this.#emulator = emulator;
    this.user = user;
  }

  get id(): number {
    return this.user.id;
  }

  /** Whether the user blocked the bot (in their private chat). */
  get hasBlockedBot(): boolean {
    const chat = this.#emulator.world.chats.get(this.id);
    return chat !== undefined && this.#emulator.world.botMember(chat).status === 'kicked';
  }

  /**
   * Sends a text message, in the private chat with the bot unless `chat` is given. Commands,
   * @mentions, #hashtags and links get entities as a Telegram app would add them.
   */
  sendMessage(text: string, options: InChat & { replyTo?: Message | number } = {}): UserAction {
    const { action } = this.#post(options, { text, ...withEntities(detectEntities(text)) }, options.replyTo);
    return action;
  }

  /** Sends `/command` or `/command payload` (e.g. `sendCommand('/start', 'ref_42')` for a deep link). */
  sendCommand(command: string, payload?: string, options: InChat = {}): UserAction {
    const name = command.startsWith('/') ? command : `/${command}`;
    return this.sendMessage(payload === undefined || payload === '' ? name : `${name} ${payload}`, options);
  }

  /** Sends a photo (three PhotoSize entries, like Telegram makes), with an optional caption. */
  sendPhoto(options: InChat & { caption?: string; bytes?: number } = {}): UserAction {
    const photo = photoSizes(this.#emulator, options.bytes ?? 120_000);
    const caption = options.caption === undefined ? {} : {
      caption: options.caption,
      ...(detectEntities(options.caption).length === 0 ? {} : { caption_entities: detectEntities(options.caption) }),
    };
    return this.#post(options, { photo, ...caption }).action;
  }

  /**
   * Sends real image bytes as a Telegram app sends a photo: recompressed to JPEG, at most 2560 px,
   * with the smaller sizes Telegram makes, each a file the bot can fetch with getFile.
   */
  async sendImage(bytes: Buffer, options: InChat & { caption?: string; mediaGroupId?: string } = {}): Promise<UserAction> {
    const photo = await photoSizesOf(this.#emulator.world, bytes);
    const group = options.mediaGroupId === undefined ? {} : { media_group_id: options.mediaGroupId };
    return this.#post(options, { ...group, photo, ...captionFields(options.caption) }).action;
  }

  /**
   * Sends a file "as a document" (no recompression): its name, mime type and size, and a
   * thumbnail when it is an image. `fileSize` without `bytes` stands for a file too big to
   * build in a test (getFile refuses files over 20 MB).
   */
  async sendDocument(options: InChat & { fileName: string; bytes?: Buffer; fileSize?: number; mimeType?: string; caption?: string }): Promise<UserAction> {
    const document = await documentOf(this.#emulator.world, options);
    return this.#post(options, { document, ...captionFields(options.caption) }).action;
  }

  /**
   * Sends 2–10 images as an album: one message per image sharing a media_group_id, the caption
   * on the first, each delivered as its own update (as Telegram does: bots must gather them).
   */
  async sendAlbum(images: Buffer[], options: InChat & { caption?: string } = {}): Promise<UserAction[]> {
    if (images.length < 2 || images.length > 10) throw new Error(`an album has 2 to 10 items, not ${images.length}`);
    const mediaGroupId = newMediaGroupId();
    const actions: UserAction[] = [];
    for (const [index, bytes] of images.entries()) {
      actions.push(await this.sendImage(bytes, { ...options, mediaGroupId, ...(index === 0 ? {} : { caption: undefined }) }));
    }
    return actions;
  }

  /**
   * Presses an inline keyboard button of a bot message (the message object or its id in the
   * chat), producing a callback_query that carries the message as it is now. Throws if the
   * message has no such callback button, listing the buttons it has.
   */
  pressButton(message: Message | number, button: ButtonRef, options: InChat = {}): UserAction {
    const world = this.#emulator.world;
    const chatId = typeof message === 'number' ? chatIdOf(options.chat) ?? this.id : message.chat.id;
    const messageId = typeof message === 'number' ? message : message.message_id;
    const current = world.chats.get(chatId)?.messages.get(messageId);
    if (current === undefined) throw new Error(`${this.#name} cannot press a button: message ${messageId} not found in chat ${chatId}`);
    const buttons: InlineKeyboardButton[] = current.reply_markup?.inline_keyboard.flat() ?? [];
    const pressed = buttons.find((b) => typeof button === 'string'
      ? 'callback_data' in b && b.callback_data === button
      : b.text === button.text);
    if (pressed === undefined || !('callback_data' in pressed)) {
      const available = buttons.map((b) => `${JSON.stringify(b.text)}${'callback_data' in b ? ` (${b.callback_data})` : ''}`);
      throw new Error(`${this.#name} cannot press ${JSON.stringify(button)} on message ${messageId}: ` +
        `its callback buttons are ${available.join(', ') || 'none'}`);
    }
    const query = {
      id: world.nextQueryId(this.id),
      from: this.user,
      message: current,
      // Stable per chat, as Telegram's: bots use it to group presses from one chat.
      chat_instance: String(BigInt(chatId) * 2654435761n % 9007199254740881n),
      data: pressed.callback_data,
    };
    world.callbackQueries.set(query.id, { query, askedAt: world.nowMs() });
    world.changed();
    return this.#emulator.publish({ callback_query: query });
  }

  /** Asks to join a group whose link or settings require approval: a chat_join_request for its admins. */
  requestToJoin(group: ChatRef, options: { inviteLink?: ChatInviteLink; bio?: string } = {}): UserAction {
    const world = this.#emulator.world;
    const chat = this.#group(group);
    if (isPresent(world.member(chat, this.id))) throw new Error(`${this.#name} is already a member of ${chat.title ?? chat.id}`);
    const request: ChatJoinRequest = compact({
      chat: world.chatObject(chat) as ChatJoinRequest['chat'],
      from: this.user,
      user_chat_id: this.id,
      date: world.now(),
      bio: options.bio,
      invite_link: options.inviteLink,
    });
    // The bot may message the requester through user_chat_id for 5 minutes, until the request
    // is processed (World.hasJoinRequestWindow); no private chat is opened by asking.
    chat.joinRequests.set(this.id, request);
    world.changed();
    return this.#emulator.publish({ chat_join_request: request });
  }

  /**
   * Opens an invite link the bot created (createChatInviteLink): a join request when the link
   * requires approval, otherwise the user joins (chat_member with the link, and a service message).
   */
  joinViaLink(link: string): UserAction {
    const world = this.#emulator.world;
    for (const chat of world.chats.values()) {
      const invite = chat.inviteLinks.get(link);
      if (invite === undefined) continue;
      if (invite.is_revoked) throw new Error(`invite link ${link} was revoked`);
      if (invite.creates_join_request) return this.requestToJoin(chat.id, { inviteLink: invite });
      return this.join(chat.id, { inviteLink: invite });
    }
    throw new Error(`no chat has the invite link ${link}`);
  }

  /** Joins a public group directly: chat_member (left → member) and a new_chat_members service message. */
  join(group: ChatRef, options: { inviteLink?: ChatInviteLink } = {}): UserAction {
    const world = this.#emulator.world;
    const chat = this.#group(group);
    const old = world.member(chat, this.id) ?? chatMember(this.user, 'left');
    const member = chatMember(this.user, 'member');
    world.setMember(chat, member);
    this.#emulator.publish(memberChangeUpdate(world, chat, this.user, old, member, compact({ invite_link: options.inviteLink })));
    return this.#emulator.publish(messageUpdate(world.addMessage(chat, {
      from: this.user, new_chat_members: [this.user], new_chat_member: this.user, new_chat_participant: this.user,
    })));
  }

  /** Leaves a group: chat_member (→ left) and a left_chat_member service message. */
  leave(group: ChatRef): UserAction {
    const world = this.#emulator.world;
    const chat = this.#group(group);
    const old = world.member(chat, this.id) ?? chatMember(this.user, 'left');
    chat.members.delete(this.id);
    world.changed();
    this.#emulator.publish(memberChangeUpdate(world, chat, this.user, old, chatMember(this.user, 'left')));
    return this.#emulator.publish(messageUpdate(world.addMessage(chat, {
      from: this.user, left_chat_member: this.user, left_chat_participant: this.user,
    })));
  }

  /** Blocks the bot: my_chat_member (member → kicked); the bot's sends then fail with 403. */
  blockBot(): UserAction {
    return this.#setBotStatus('kicked');
  }

  /** Unblocks the bot (Telegram apps do this on "Restart"): my_chat_member (kicked → member). */
  unblockBot(): UserAction {
    return this.#setBotStatus('member');
  }

  /**
   * Pays an invoice the bot sent: a pre_checkout_query. If the bot answers ok, the emulator
   * adds the successful_payment message to the chat and delivers it, as Telegram does.
   */
  payInvoice(invoice: Message | number, options: InChat = {}): UserAction {
    const world = this.#emulator.world;
    const chatId = typeof invoice === 'number' ? chatIdOf(options.chat) ?? this.id : invoice.chat.id;
    const message = world.chats.get(chatId)?.messages.get(typeof invoice === 'number' ? invoice : invoice.message_id);
    if (message?.invoice === undefined) throw new Error(`${this.#name} cannot pay: no invoice message ${JSON.stringify(invoice)}`);
    const sent = this.#emulator.sentOptions(message) ?? {};
    const query = {
      id: world.nextQueryId(this.id),
      from: this.user,
      currency: message.invoice.currency,
      total_amount: message.invoice.total_amount,
      invoice_payload: typeof sent.payload === 'string' ? sent.payload : '',
    };
    world.preCheckoutQueries.set(query.id, { query, chatId, askedAt: world.nowMs() });
    world.changed();
    return this.#emulator.publish({ pre_checkout_query: query });
  }

  /**
   * Opens an invoice link the bot made (createInvoiceLink) and pays: a pre_checkout_query; if
   * the bot answers ok in time, successful_payment arrives in the user's chat with the bot
   * (with the subscription's fields for a subscription link).
   */
  payInvoiceLink(link: string): UserAction {
    const world = this.#emulator.world;
    const invoice = world.invoiceLinks.get(link);
    if (invoice === undefined) throw new Error(`${this.#name} cannot pay: the bot made no invoice link ${link}`);
    const chat = world.openPrivateChat(this.user);
    const query = {
      id: world.nextQueryId(this.id),
      from: this.user,
      currency: invoice.currency,
      total_amount: invoice.total_amount,
      invoice_payload: invoice.payload,
    };
    world.preCheckoutQueries.set(query.id, { query, chatId: chat.id, askedAt: world.nowMs(),
      ...(invoice.subscription_period === undefined ? {} : { subscriptionPeriod: invoice.subscription_period }) });
    world.changed();
    return this.#emulator.publish({ pre_checkout_query: query });
  }

  get #name(): string {
    return this.user.username === undefined ? this.user.first_name : `@${this.user.username}`;
  }

  #setBotStatus(status: 'kicked' | 'member'): UserAction {
    const world = this.#emulator.world;
    const chat = world.openPrivateChat(this.user);
    const old = world.botMember(chat);
    const next = chatMember(world.botUser, status);
    world.setMember(chat, next);
    return this.#emulator.publish(memberChangeUpdate(world, chat, this.user, old, next));
  }

  /** Posts a message from this user into the private chat or a group. */
  #post(where: InChat, content: Partial<Message>, replyTo?: Message | number): { action: UserAction; message: Message } {
    const world = this.#emulator.world;
    let chat: ChatRecord;
    if (where.chat === undefined) {
      // Writing to a blocked bot unblocks it first, as Telegram apps do.
      if (this.hasBlockedBot) this.unblockBot();
      chat = world.openPrivateChat(this.user);
    } else {
      chat = this.#group(where.chat);
      if (chat.type === 'channel') throw new Error(`${chat.title ?? chat.id} is a channel: post with group.post()`);
      if (!isPresent(world.member(chat, this.id))) {
        throw new Error(`${this.#name} is not a member of ${chat.title ?? chat.id}; add them with group.addMember()`);
      }
    }
    const replied = replyTo === undefined ? undefined : chat.messages.get(typeof replyTo === 'number' ? replyTo : replyTo.message_id);
    const message = world.addMessage(chat, compact({ from: this.user, ...content, reply_to_message: replied }));
    return { action: this.#emulator.publish(messageUpdate(message)), message };
  }

  #group(ref: ChatRef): ChatRecord {
    const id = typeof ref === 'number' ? ref : ref.id;
    const chat = this.#emulator.world.chats.get(id);
    if (chat === undefined || chat.type === 'private') throw new Error(`no group with id ${id}`);
    if (chat.migratedToChatId !== undefined) {
      throw new Error(`group ${id} was upgraded to supergroup ${chat.migratedToChatId}; use the new id`);
    }
    return chat;
  }
}

function chatIdOf(ref: ChatRef | undefined): number | undefined {
  return ref === undefined ? undefined : typeof ref === 'number' ? ref : ref.id;
}

function withEntities(entities: Message['entities'] & object): Partial<Message> {
  return entities.length === 0 ? {} : { entities };
}
