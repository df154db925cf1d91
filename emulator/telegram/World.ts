import type {
  BotCommand, CallbackQuery, Chat, ChatFullInfo, ChatInviteLink, ChatJoinRequest, ChatMember, Message, PreCheckoutQuery, User,
  UserFromGetMe,
} from 'grammy/types';
import { badRequest, botBlocked, chatNotFound, forbidden, migrated } from './apiErrors.js';
import { chatMember, isPresent } from './chatMember.js';

/** The four kinds of chat Telegram has. */
export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

/** Everything the emulator knows about one chat. */
export interface ChatRecord {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  /** For private chats: the user's names. */
  first_name?: string;
  last_name?: string;
  description?: string;
  /** Members by user id, the bot included; a missing entry means status "left". */
  members: Map<number, ChatMember>;
  /** All messages, the users' and the bot's, in message_id order (Map keeps insertion order). */
  messages: Map<number, Message>;
  nextMessageId: number;
  /** Pending join requests by user id. */
  joinRequests: Map<number, ChatJoinRequest>;
  /** Invite links the bot created, by URL. */
  inviteLinks: Map<string, ChatInviteLink>;
  /** Set on a basic group once it was upgraded: every call addressed to it fails with this id. */
  migratedToChatId?: number;
  /**
   * Private chats only: false while the user never wrote to the bot (the chat exists because
   * the bot messaged a join requester through `user_chat_id`); the bot may then send only
   * within that request's window.
   */
  startedByUser?: boolean;
}

/** A file known to the emulator: uploaded by the bot or sent by an emulated user. */
export interface FileRecord {
  file_id: string;
  file_unique_id: string;
  file_size: number;
  file_path: string;
  /** The uploaded bytes, when the bot uploaded any; otherwise a fake body is served. */
  bytes?: Buffer;
}

/**
 * The fields of a new message besides message_id, date and chat, which the world assigns.
 * Loosely typed: grammY's Message is an intersection of every message kind's fields, and
 * service messages would need a cast each.
 */
export type MessageContent = object;

/** An invoice as sendInvoice and createInvoiceLink take it. */
export interface InvoiceRecord {
  title: string;
  description: string;
  payload: string;
  currency: string;
  prices: Array<{ label: string; amount: number }>;
  total_amount: number;
  start_parameter: string;
  /** Links only: a Stars subscription renewed every this many seconds. */
  subscription_period?: number;
}

/** A payment the bot accepted, by telegram_payment_charge_id. */
export interface StarPaymentRecord {
  userId: number;
  chatId: number;
  currency: string;
  amount: number;
  payload: string;
  refunded: boolean;
  /** When it was charged, Unix seconds (StarTransaction.date). */
  date: number;
  /** When it was refunded, Unix seconds: the refund's own StarTransaction. */
  refundedAt?: number;
  /** For a subscription's payments: its state, shared by the first payment and its renewals. */
  subscription?: {
    period: number; expiresAt: number; canceledByBot: boolean; firstChargeId: string;
    /** Canceled in the user's Telegram app (a `subscription` update with state canceled). */
    canceledByUser?: boolean;
    /** The last renewal could not be charged (state failed): no renewal follows. */
    failed?: boolean;
  };
}

/** An answer the bot gave to a callback or pre-checkout query. */
export type QueryAnswer = Record<string, unknown>;

/**
 * How long the bot has to answer a query, in ms. Telegram documents 10 s for pre-checkout
 * queries ("The Bot API must receive an answer within 10 seconds after the pre-checkout query
 * was sent"); for callback queries it publishes no number (the app stops waiting after about
 * 15 s and the answer then fails with QUERY_ID_INVALID), so 15 s is the emulator's reading.
 */
export interface QueryAnswerWindows {
  /** @default 15000 */
  callbackQueryMs: number;
  /** @default 10000 */
  preCheckoutQueryMs: number;
}

/** Telegram's windows; see {@link QueryAnswerWindows}. */
export const defaultQueryAnswerWindows: QueryAnswerWindows = { callbackQueryMs: 15_000, preCheckoutQueryMs: 10_000 };

/**
 * ChatJoinRequest.user_chat_id: "The bot can use this identifier for 5 minutes to send messages
 * until the join request is processed, assuming no other administrator contacted the user."
 */
export const JOIN_REQUEST_MESSAGING_WINDOW_MS = 5 * 60_000;

/** The text of "query is too old and response timeout expired or query ID is invalid" (Client.cpp:149-151). */
export const QUERY_ID_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/**
 * The state of the emulated Telegram: the bot, users, chats with their members and messages,
 * files, commands and open queries. Mutations call {@link World.changed} so that waiters
 * and the sandbox page see them.
 */
export class World {
  readonly bot: UserFromGetMe;
  readonly users = new Map<number, User>();
  readonly chats = new Map<number, ChatRecord>();
  readonly files = new Map<string, FileRecord>();
  /** Command lists by `scopeKey|language_code`. */
  readonly commands = new Map<string, BotCommand[]>();
  /** Callback queries by id; `askedAt` (ms) starts the answer window. */
  readonly callbackQueries = new Map<string, { query: CallbackQuery; askedAt: number; answer?: QueryAnswer }>();
  readonly preCheckoutQueries = new Map<string, { query: PreCheckoutQuery; chatId: number; askedAt: number; answer?: QueryAnswer;
    subscriptionPeriod?: number }>();
  /** Invoice links the bot created (createInvoiceLink), by URL. */
  readonly invoiceLinks = new Map<string, InvoiceRecord>();
  /** Payments the bot accepted, by telegram_payment_charge_id. */
  readonly starPayments = new Map<string, StarPaymentRecord>();
  /** How long queries may wait for their answer. */
  readonly answerWindows: QueryAnswerWindows;
  /** Increases on every change; the sandbox page polls it. */
  version = 0;

  readonly #clock: () => number;
  readonly #listeners = new Set<() => void>();
  // Id ranges look like real ones (users ~7e9, basic groups -4e9, supergroups -100...), so code
  // that treats ids as numbers, sorts them or checks the -100 prefix sees realistic values.
  #nextUserId = 7_000_000_001;
  #nextGroupId = 4_000_000_001;
  #nextSupergroupId = 1_002_000_000_001;
  #nextFileNumber = 1;
  #nextQueryNumber = 1;

  constructor(bot: UserFromGetMe, clock: () => number, answerWindows: Partial<QueryAnswerWindows> = {}) {
    this.bot = bot;
    this.#clock = clock;
    this.answerWindows = { ...defaultQueryAnswerWindows, ...answerWindows };
  }

  /** Current Unix time in seconds, the unit of every `date` in the Bot API. */
  now(): number {
    return Math.floor(this.#clock() / 1000);
  }

  /** Current time in ms. */
  nowMs(): number {
    return this.#clock();
  }

  /** Whether an answer given now to a query asked at `askedAt` is still in time. */
  inAnswerWindow(askedAt: number, windowMs: number): boolean {
    return this.#clock() - askedAt <= windowMs;
  }

  /** The bot as it appears in `from` of its messages. */
  get botUser(): User {
    return { id: this.bot.id, is_bot: true, first_name: this.bot.first_name, username: this.bot.username };
  }

  changed(): void {
    this.version++;
    for (const listener of this.#listeners) listener();
  }

  /** Calls `listener` after every change; returns the unsubscribe function. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  addUser(info: Omit<User, 'id' | 'is_bot'> & { id?: number; is_bot?: boolean }): User {
    // Key order as Telegram serialises a User, so logged updates read like real ones.
    const { id = this.#nextUserId++, is_bot = false, ...names } = info;
    const user: User = { id, is_bot, ...compact(names) };
    this.users.set(user.id, user);
    this.changed();
    return user;
  }

  /** Creates a group, supergroup or channel; its creator gets status "creator". */
  addChat(type: Exclude<ChatType, 'private'>, title: string, creator: User, username?: string): ChatRecord {
    const id = type === 'group' ? -this.#nextGroupId++ : -this.#nextSupergroupId++;
    const record = emptyChat(id, type);
    record.title = title;
    if (username !== undefined) record.username = username;
    record.members.set(creator.id, chatMember(creator, 'creator'));
    this.chats.set(id, record);
    this.changed();
    return record;
  }

  /** A new supergroup id, for upgrading a basic group. */
  nextSupergroupId(): number {
    return -this.#nextSupergroupId++;
  }

  /**
   * The private chat between the bot and a user, created when the user first talks to the bot
   * (`byUser`, the default) or when the bot messages a join requester (`byUser: false`).
   */
  openPrivateChat(user: User, options: { byUser?: boolean } = {}): ChatRecord {
    const byUser = options.byUser ?? true;
    const existing = this.chats.get(user.id);
    if (existing) {
      if (byUser && existing.startedByUser === false) {
        existing.startedByUser = true;
        this.changed();
      }
      return existing;
    }
    const record = emptyChat(user.id, 'private');
    record.startedByUser = byUser;
    record.first_name = user.first_name;
    if (user.last_name !== undefined) record.last_name = user.last_name;
    if (user.username !== undefined) record.username = user.username;
    record.members.set(user.id, chatMember(user, 'member'));
    record.members.set(this.bot.id, chatMember(this.botUser, 'member'));
    this.chats.set(user.id, record);
    this.changed();
    return record;
  }

  /** The compact Chat object that messages and updates carry. */
  chatObject(record: ChatRecord): Chat {
    if (record.type === 'private') {
      return compact({ id: record.id, type: 'private', first_name: record.first_name ?? '', last_name: record.last_name,
        username: record.username }) as Chat;
    }
    // Basic groups always carry it (Client.cpp:1289); true only if every member may do everything.
    if (record.type === 'group') return { id: record.id, type: 'group', title: record.title ?? '', all_members_are_administrators: false } as Chat;
    return compact({ id: record.id, type: record.type, title: record.title ?? '', username: record.username }) as Chat;
  }

  /** What getChat returns. */
  chatFullInfo(record: ChatRecord): ChatFullInfo {
    return compact({
      ...this.chatObject(record),
      description: record.description,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: { unlimited_gifts: false, limited_gifts: false, unique_gifts: false,
        premium_subscription: false, gifts_from_channels: false },
    }) as unknown as ChatFullInfo;
  }

  /** Stores a new message in a chat, numbering it; returns the stored object. */
  addMessage(record: ChatRecord, content: MessageContent): Message {
    const message = { message_id: record.nextMessageId++, date: this.now(), chat: this.chatObject(record),
      ...content } as Message;
    record.messages.set(message.message_id, message);
    this.changed();
    return message;
  }

  member(record: ChatRecord, userId: number): ChatMember | undefined {
    return record.members.get(userId);
  }

  botMember(record: ChatRecord): ChatMember {
    return record.members.get(this.bot.id) ?? chatMember(this.botUser, 'left');
  }

  setMember(record: ChatRecord, member: ChatMember): void {
    record.members.set(member.user.id, member);
    this.changed();
  }

  /** Finds a chat by id or `@username`, or throws "chat not found". */
  findChat(chatId: number | string): ChatRecord {
    if (typeof chatId === 'string') {
      const name = chatId.slice(1).toLowerCase();
      for (const record of this.chats.values()) {
        if (record.type !== 'private' && record.username?.toLowerCase() === name) return record;
      }
      throw chatNotFound();
    }
    const record = this.chats.get(chatId);
    if (record === undefined) {
      const user = this.users.get(chatId);
      // A join requester may be messaged through user_chat_id for a while.
      if (user !== undefined && this.hasJoinRequestWindow(user.id)) return this.openPrivateChat(user, { byUser: false });
      // A known user who never opened the bot: Telegram refuses with a 403, not "not found".
      if (user !== undefined) throw forbidden("bot can't initiate conversation with a user");
      throw chatNotFound();
    }
    return record;
  }

  /**
   * Whether the bot may message a user who never wrote to it: some chat holds the user's join
   * request, unprocessed and at most 5 minutes old.
   */
  hasJoinRequestWindow(userId: number): boolean {
    const now = this.#clock();
    for (const chat of this.chats.values()) {
      const request = chat.joinRequests.get(userId);
      if (request !== undefined && now - request.date * 1000 <= JOIN_REQUEST_MESSAGING_WINDOW_MS) return true;
    }
    return false;
  }

  /**
   * The chat the bot addresses by `chatId`, after the checks Telegram makes before any action in
   * it: migrated groups, blocked bots, kicked or absent bots, channel posting rights.
   */
  chatForBot(chatId: number | string): ChatRecord {
    return this.chatWithAccess(chatId, 'write');
  }

  /**
   * The chat after the server's access checks for the kind of call (check_chat_access,
   * Client.cpp:8124-8195): reads of a basic group work after the bot left or the group was
   * upgraded (member lists and writes get the migrate error); a public supergroup or channel
   * can be read without membership; a kicked bot can read nothing of a supergroup.
   */
  chatWithAccess(chatId: number | string, access: 'read' | 'readMembers' | 'edit' | 'write'): ChatRecord {
    const record = this.findChat(chatId);
    const me = this.botMember(record);
    let needWrite = access === 'write';
    let needEdit = access === 'edit' || needWrite;
    if (record.type === 'private') {
      if (needEdit && me.status === 'kicked') throw botBlocked();
      if (needWrite && record.startedByUser === false && !this.hasJoinRequestWindow(record.id)) {
        throw forbidden("bot can't initiate conversation with a user");
      }
      return record;
    }
    if (record.type === 'group') {
      if (access === 'readMembers') needWrite = needEdit = true;
      if (record.migratedToChatId !== undefined && needWrite) throw migrated(record.migratedToChatId);
      if (record.migratedToChatId === undefined && needEdit) {
        if (me.status === 'kicked') throw forbidden('bot was kicked from the group chat');
        if (!isPresent(me)) throw forbidden('bot is not a member of the group chat');
      }
      return record;
    }
    const kind = record.type === 'channel' ? 'channel chat' : 'supergroup chat';
    if (me.status === 'kicked') throw forbidden(`bot was kicked from the ${kind}`);
    const isPublic = record.username !== undefined;
    if (!isPresent(me) && (isPublic ? needEdit : true)) throw forbidden(`bot is not a member of the ${kind}`);
    return record;
  }

  /** Like {@link chatForBot}, plus the posting right channels require. */
  chatForBotToPost(chatId: number | string): ChatRecord {
    const record = this.chatForBot(chatId);
    const me = this.botMember(record);
    if (record.type === 'channel' && !(me.status === 'creator' ||
      (me.status === 'administrator' && me.can_post_messages === true))) {
      throw badRequest('need administrator rights in the channel chat');
    }
    return record;
  }

  /**
   * Registers a file and returns its record; `kind` picks the folder of its file_path and
   * `extension` its ending (default jpg for photos and thumbnails, dat otherwise), as Telegram does.
   */
  addFile(kind: 'photos' | 'documents' | 'thumbnails', size: number, bytes?: Buffer, extension?: string): FileRecord {
    const n = this.#nextFileNumber++;
    const record: FileRecord = {
      // Real file ids are long opaque base64url strings; a recognisable prefix helps debugging.
      file_id: `AgACAgIAAxk${kind === 'photos' ? 'Bp' : kind === 'thumbnails' ? 'Bt' : 'Bd'}${n.toString(36).padStart(8, '0')}EmUlAtOr`,
      file_unique_id: `AQAD${n.toString(36).padStart(6, '0')}`,
      file_size: size,
      file_path: `${kind}/file_${n}.${extension ?? (kind === 'documents' ? 'dat' : 'jpg')}`,
    };
    if (bytes !== undefined) record.bytes = bytes;
    this.files.set(record.file_id, record);
    return record;
  }

  /** A fresh id for a callback or pre-checkout query; Telegram's are long numeric strings. */
  nextQueryId(userId: number): string {
    return `${BigInt(userId) * 4096n + BigInt(this.#nextQueryNumber++)}`;
  }
}

function emptyChat(id: number, type: ChatType): ChatRecord {
  return { id, type, members: new Map(), messages: new Map(), nextMessageId: 1, joinRequests: new Map(),
    inviteLinks: new Map() };
}

/** Drops undefined properties, so objects serialise like Telegram's (absent, never null). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
