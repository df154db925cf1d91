import type { Chat, ChatMember } from 'grammy/types';
import { type AdminRights, chatMember, shapeForChat } from './chatMember.js';
import { detectEntities } from './detectEntities.js';
import type { EmulatedUser } from './EmulatedUser.js';
import { memberChangeUpdate } from './memberChangeUpdate.js';
import { messageUpdate } from './messageUpdate.js';
import type { TelegramEmulator } from './TelegramEmulator.js';
import type { UserAction } from './UserAction.js';
import { type ChatRecord, compact } from './World.js';

/** Options of `emulator.createGroup`. */
export interface CreateGroupOptions {
  title: string;
  /** @default 'supergroup' (what Telegram creates today for most groups) */
  type?: 'group' | 'supergroup' | 'channel';
  /** Members from the start (no updates: the bot is not in the group yet). */
  members?: EmulatedUser[];
  /** The owner; default the first member, or a generated "Group Owner". */
  creator?: EmulatedUser;
  /** Public @username (supergroups and channels). */
  username?: string;
}

/** Who performs a group action; default the group's creator. */
export interface ByUser {
  by?: EmulatedUser;
}

/**
 * A group, supergroup or channel driven by a test or the sandbox. Changes to the bot's
 * membership produce the my_chat_member updates Telegram sends; `id` follows an upgrade to
 * a supergroup.
 */
export class EmulatedGroup {
  readonly creator: EmulatedUser;
  /** Ids this group had before upgrades, oldest first. */
  readonly previousIds: number[] = [];
  readonly #emulator: TelegramEmulator;
  #record: ChatRecord;

  constructor(emulator: TelegramEmulator, record: ChatRecord, creator: EmulatedUser) {
    this.#emulator = emulator;
    this.#record = record;
    this.creator = creator;
  }

  /** The chat id (negative); changes when a basic group is upgraded. */
  get id(): number {
    return this.#record.id;
  }

  get type(): ChatRecord['type'] {
    return this.#record.type;
  }

  get title(): string {
    return this.#record.title ?? '';
  }

  /** The Chat object as messages carry it. */
  get chat(): Chat {
    return this.#emulator.world.chatObject(this.#record);
  }

  /** The bot's membership as getChatMember would return it. */
  get botMember(): ChatMember {
    return this.#emulator.world.botMember(this.#record);
  }

  /** Members by status, the bot included. */
  get members(): ChatMember[] {
    return [...this.#record.members.values()];
  }

  /**
   * Adds a user (by an admin): chat_member plus a new_chat_members service message.
   * Returns the service message's update.
   */
  addMember(user: EmulatedUser, options: ByUser = {}): UserAction {
    const world = this.#emulator.world;
    const old = world.member(this.#record, user.id) ?? chatMember(user.user, 'left');
    const member = chatMember(user.user, 'member');
    world.setMember(this.#record, member);
    const by = (options.by ?? this.creator).user;
    this.#emulator.publish(memberChangeUpdate(world, this.#record, by, old, member));
    return this.#emulator.publish(messageUpdate(world.addMessage(this.#record, {
      from: by, new_chat_members: [user.user], new_chat_member: user.user, new_chat_participant: user.user,
    })));
  }

  /** Makes a member an administrator (or gives new rights): a chat_member update. */
  setAdmin(user: EmulatedUser, rights: AdminRights = {}, options: ByUser = {}): UserAction {
    return this.#change(user.user.id, chatMember(user.user, 'administrator', rights), options);
  }

  /** Takes an administrator's rights away; they stay a member: a chat_member update. */
  demote(user: EmulatedUser, options: ByUser = {}): UserAction {
    return this.#change(user.user.id, chatMember(user.user, 'member'), options);
  }

  /**
   * Adds the bot, as a member or (`asAdmin`, or when `rights` are given) an administrator:
   * my_chat_member (left → member/administrator), then the new_chat_members service message.
   * Returns the my_chat_member update.
   */
  addBot(options: ByUser & { asAdmin?: boolean; rights?: AdminRights } = {}): UserAction {
    const world = this.#emulator.world;
    const asAdmin = options.asAdmin === true || options.rights !== undefined || this.#record.type === 'channel';
    const action = this.#change(world.bot.id, asAdmin
      ? chatMember(world.botUser, 'administrator', { ...this.#channelRights(), ...options.rights })
      : chatMember(world.botUser, 'member'), options);
    if (this.#record.type !== 'channel') {
      this.#emulator.publish(messageUpdate(world.addMessage(this.#record, {
        from: (options.by ?? this.creator).user, new_chat_members: [world.botUser], new_chat_member: world.botUser,
        new_chat_participant: world.botUser,
      })));
    }
    return action;
  }

  /** Makes the bot an administrator with `rights` (merged over Telegram's defaults). */
  promoteBot(rights: AdminRights = {}, options: ByUser = {}): UserAction {
    const world = this.#emulator.world;
    return this.#change(world.bot.id, chatMember(world.botUser, 'administrator', { ...this.#channelRights(), ...rights }), options);
  }

  /** Takes the bot's admin rights away; it stays a member. */
  demoteBot(options: ByUser = {}): UserAction {
    const world = this.#emulator.world;
    return this.#change(world.bot.id, chatMember(world.botUser, 'member'), options);
  }

  /** Removes the bot (status "kicked"); its sends then fail with "bot was kicked from the group chat". */
  removeBot(options: ByUser = {}): UserAction {
    const world = this.#emulator.world;
    return this.#change(world.bot.id, chatMember(world.botUser, 'kicked'), options);
  }

  /**
   * Upgrades a basic group to a supergroup, as Telegram does when a group grows or gets a
   * public link: a new chat id; the old chat gets a `migrate_to_chat_id` service message and
   * the new one a `migrate_from_chat_id` one (both delivered); calls to the old id then fail
   * with "group chat was upgraded to a supergroup chat" and `migrate_to_chat_id`.
   */
  upgradeToSupergroup(options: ByUser = {}): { oldChatId: number; newChatId: number; updates: UserAction[] } {
    if (this.#record.type !== 'group') throw new Error(`only basic groups can be upgraded; ${this.id} is a ${this.#record.type}`);
    const world = this.#emulator.world;
    const old = this.#record;
    const by = (options.by ?? this.creator).user;
    const next: ChatRecord = {
      ...old,
      id: world.nextSupergroupId(),
      type: 'supergroup',
      // The administrators' keys become a supergroup's (topics).
      members: new Map([...old.members].map(([id, member]) => [id, shapeForChat(member, 'supergroup')])),
      messages: new Map(),
      nextMessageId: 1,
      joinRequests: new Map(),
      inviteLinks: new Map(),
    };
    world.chats.set(next.id, next);
    const toNew = world.addMessage(old, { from: by, migrate_to_chat_id: next.id });
    old.migratedToChatId = next.id;
    this.previousIds.push(old.id);
    this.#record = next;
    const fromOld = world.addMessage(next, { from: by, migrate_from_chat_id: old.id });
    const updates = [this.#emulator.publish(messageUpdate(toNew)), this.#emulator.publish(messageUpdate(fromOld))];
    return { oldChatId: old.id, newChatId: next.id, updates };
  }

  /**
   * Publishes a post in a channel (signed by `by` when given): a `channel_post` update, which
   * the bot receives when it is a member of the channel.
   */
  post(text: string, options: ByUser = {}): UserAction {
    if (this.#record.type !== 'channel') throw new Error(`${this.title} is a ${this.#record.type}; members post with user.sendMessage()`);
    const world = this.#emulator.world;
    return this.#emulator.publish(messageUpdate(world.addMessage(this.#record, compact({
      sender_chat: this.chat,
      author_signature: options.by?.user.first_name,
      text,
      entities: detectEntities(text).length === 0 ? undefined : detectEntities(text),
    }))));
  }

  #change(userId: number, member: ChatMember, options: ByUser): UserAction {
    const world = this.#emulator.world;
    const next = shapeForChat(member, this.#record.type as 'group' | 'supergroup' | 'channel');
    const old = world.member(this.#record, userId) ?? chatMember(next.user, 'left');
    world.setMember(this.#record, next);
    return this.#emulator.publish(memberChangeUpdate(world, this.#record, (options.by ?? this.creator).user, old, next));
  }

  /** Channels need posting rights for the bot to send; Telegram pre-selects them for bots added as admins. */
  #channelRights(): AdminRights {
    return this.#record.type === 'channel' ? { can_post_messages: true, can_edit_messages: true } : {};
  }
}
