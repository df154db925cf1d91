import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Message, Update, UserFromGetMe } from 'grammy/types';
import type { ApiCall } from './ApiCall.js';
import { methodNotFound } from './apiErrors.js';
import { ApiParams } from './ApiParams.js';
import { ChangeSignal, type WaitOptions } from './ChangeSignal.js';
import { chatMember } from './chatMember.js';
import { messageUpdate } from './messageUpdate.js';
import { createBotApiHandler } from './createBotApiHandler.js';
import { EmulatedGroup, type CreateGroupOptions } from './EmulatedGroup.js';
import { EmulatedUser, type CreateUserOptions } from './EmulatedUser.js';
import { type EmulatorLogger, silentLogger } from './EmulatorLogger.js';
import { type CallMatch, ErrorInjector, type FailNextOptions, type InjectedError } from './ErrorInjector.js';
import { isVisibleToBot } from './isVisibleToBot.js';
import { allMethods } from './methods/allMethods.js';
import type { MethodContext } from './methods/MethodContext.js';
import type { UploadedFile } from './parseMultipart.js';
import type { WebhookResponse } from './postWebhook.js';
import { type RateLimits, RateLimiter } from './RateLimiter.js';
import { SentMessageOptions } from './SentMessageOptions.js';
import { TelegramApiError } from './TelegramApiError.js';
import { type DeliveryAttempt, type RedeliveryOptions, UpdateDispatcher, type WebhookConfig } from './UpdateDispatcher.js';
import { updateType } from './updateChatKey.js';
import type { UpdateBody, UserAction } from './UserAction.js';
import { type ChatRecord, type QueryAnswerWindows, type StarPaymentRecord, World } from './World.js';
import { type EmulatorClock, toEmulatorClock } from '../shared/EmulatorClock.js';

/** Options of {@link TelegramEmulator.start}; every one has a default. */
export interface TelegramEmulatorOptions {
  /** The bot token the API accepts; its number before ":" is the bot's id. @default '123456:TEST-TOKEN' */
  token?: string;
  /**
   * What getMe returns, merged over the defaults (first_name 'Test Bot', username 'test_bot',
   * privacy mode on: `can_read_all_group_messages: false`, as for a new bot).
   */
  bot?: Partial<UserFromGetMe>;
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** The first update_id handed out. @default 100000001 */
  startUpdateId?: number;
  /**
   * Answer messages beyond Telegram's rate limits with 429 (`true` for the defaults in
   * {@link defaultRateLimits}, or limits to override). @default false
   */
  enforceLimits?: boolean | Partial<RateLimits>;
  /**
   * Backoff between webhook redeliveries: the first retry at once, then `initialMs` doubling up
   * to a random cap in [maxMs, 2·maxMs], as the Bot API server does. A Retry-After header
   * from the webhook replaces the wait; an update whose next try would come after its expiry
   * (150 s for queries, a day for messages) is dropped. @default { initialMs: 2000, factor: 2, maxMs: 60000 }
   */
  redelivery?: RedeliveryOptions;
  /** How long a webhook may take to answer before the attempt counts as failed, on `clock`. @default 60000 */
  webhookTimeoutMs?: number;
  /**
   * How long the bot may take to answer callback and pre-checkout queries; later answers get
   * "query is too old…". @default { callbackQueryMs: 15000, preCheckoutQueryMs: 10000 }
   */
  answerWindows?: Partial<QueryAnswerWindows>;
  /** Also serve the sandbox page at `/sandbox` on the emulator's own port. @default false */
  serveSandbox?: boolean;
  logger?: EmulatorLogger;
  /**
   * The emulator's time: message dates, rate limits, redelivery backoff and expiry, answer
   * windows, the webhook's read timeout. A `ManualClock` makes all of them move only when the
   * test advances it; a bare function changes readings only (timers stay on the wall clock).
   * @default the wall clock
   */
  clock?: EmulatorClock | (() => number);
}

/** Options of {@link TelegramEmulator.setWebhook}. */
export interface SetWebhookOptions {
  url: string;
  secret_token?: string;
  /** @default 40 */
  max_connections?: number;
  allowed_updates?: string[];
  drop_pending_updates?: boolean;
}

/** A chat given by id or by the emulated user (their private chat) or group. */
export type ChatRef = number | { readonly id: number };

// The update types Telegram sends when allowed_updates is unset or empty (core.telegram.org/bots/api#getupdates).
const NOT_SENT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/**
 * An in-process Telegram Bot API for tests and the local sandbox: serves Bot API methods over
 * HTTP with Telegram's answers and errors, keeps a model of users, chats, members and
 * messages, and delivers updates produced by emulated users by webhook or getUpdates.
 *
 * @example
 * const telegram = await TelegramEmulator.start();
 * telegram.setWebhook({ url: `${app.url}/api/telegram`, secret_token: 'secret' });
 * const alice = telegram.createUser({ first_name: 'Alice' });
 * await alice.sendCommand('/start').delivered;
 * const welcome = await telegram.waitForBotMessage(alice);
 * await telegram.close();
 */
export class TelegramEmulator {
  /** The token the API accepts. */
  readonly token: string;
  /** The emulated world: chats, members, messages, files. Tests may read it; mutate via users and groups. */
  readonly world: World;
  /** Every API call, in the order they completed. */
  readonly calls: ApiCall[] = [];
  /** Every update queued for the bot, in the order they were created. */
  readonly updates: Update[] = [];

  readonly #logger: EmulatorLogger;
  readonly #clock: () => number;
  readonly #timers: EmulatorClock;
  readonly #signal = new ChangeSignal();
  readonly #injector = new ErrorInjector();
  readonly #sentOptions = new SentMessageOptions();
  readonly #dispatcher: UpdateDispatcher;
  readonly #limiter: RateLimiter | undefined;
  readonly #users = new Map<number, EmulatedUser>();
  readonly #groups: EmulatedGroup[] = [];
  /** Last bot message id each chat's reader has seen, for {@link waitForBotMessage}. */
  readonly #readUpTo = new Map<number, number>();
  #allowedUpdates: string[] | undefined;
  #nextUpdateId: number;
  #server: Server | undefined;
  #apiRoot = '';
  #sandbox: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;

  private constructor(options: TelegramEmulatorOptions) {
    this.token = options.token ?? '123456:TEST-TOKEN';
    this.#logger = options.logger ?? silentLogger;
    this.#timers = toEmulatorClock(options.clock);
    this.#clock = () => this.#timers.now();
    this.#nextUpdateId = options.startUpdateId ?? 100_000_001;
    const botId = Number(this.token.split(':')[0]);
    this.world = new World({
      id: Number.isSafeInteger(botId) ? botId : 123456,
      is_bot: true,
      first_name: 'Test Bot',
      username: 'test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
      ...options.bot,
    } as UserFromGetMe, this.#clock, options.answerWindows);
    this.world.onChange(() => this.#signal.notify());
    this.#dispatcher = new UpdateDispatcher({
      logger: this.#logger,
      clock: this.#timers,
      onWebhookReply: (payload) => void this.#replyFromWebhook(payload),
      onAttempt: () => this.#signal.notify(),
      onPollWaiting: () => this.#signal.notify(),
      ...(options.redelivery === undefined ? {} : { redelivery: options.redelivery }),
      ...(options.webhookTimeoutMs === undefined ? {} : { webhookTimeoutMs: options.webhookTimeoutMs }),
    });
    const limits = options.enforceLimits;
    if (limits !== undefined && limits !== false) this.#limiter = new RateLimiter(limits === true ? {} : limits, this.#clock);
  }

  /** Starts the HTTP server; resolves once it listens. */
  static async start(options: TelegramEmulatorOptions = {}): Promise<TelegramEmulator> {
    const emulator = new TelegramEmulator(options);
    if (options.serveSandbox === true) {
      const { createSandboxHandler } = await import('./sandbox/createSandboxHandler.js');
      emulator.#sandbox = createSandboxHandler(emulator);
    }
    const api = createBotApiHandler({
      token: emulator.token,
      world: emulator.world,
      execute: (method, params, files, execOptions) => emulator.#execute(method, params, files, execOptions),
      logger: emulator.#logger,
    });
    const sandbox = emulator.#sandbox;
    const server = createServer((req, res) => {
      if (sandbox?.(req, res) === true) return;
      void api(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    emulator.#server = server;
    emulator.#apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return emulator;
  }

  /** `http://127.0.0.1:<port>`, what grammY takes as `client.apiRoot`. */
  get apiRoot(): string {
    return this.#apiRoot;
  }

  /** What getMe returns. */
  get bot(): UserFromGetMe {
    return this.world.bot;
  }

  /** Every webhook delivery attempt. */
  get deliveries(): readonly DeliveryAttempt[] {
    return this.#dispatcher.deliveries;
  }

  /** Updates the emulator gave up on: they expired while the webhook kept failing. */
  get droppedUpdates(): readonly Update[] {
    return this.#dispatcher.dropped;
  }

  /** The webhook currently set, by the bot or by {@link setWebhook}. */
  get webhook(): WebhookConfig | undefined {
    return this.#dispatcher.webhook;
  }

  /** Stops the server, deliveries, long polls and waits; resolves when the port is closed. */
  async close(): Promise<void> {
    this.#dispatcher.close();
    this.#signal.close();
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  // ---- Calls ------------------------------------------------------------------------------

  /** The calls of one method (case-insensitive). */
  callsTo(method: string): ApiCall[] {
    const name = method.toLowerCase();
    return this.calls.filter((call) => call.method.toLowerCase() === name);
  }

  /**
   * Resolves with the first call (already made or still to come) of `method` or matching
   * `predicate`, from index `since` of {@link calls} on (default 0: all calls).
   * Rejects with {@link EmulatorTimeoutError} listing the methods seen.
   */
  waitForCall(methodOrPredicate: string | ((call: ApiCall) => boolean),
    options: WaitOptions & { since?: number } = {}): Promise<ApiCall> {
    const matches = typeof methodOrPredicate === 'string'
      ? (call: ApiCall) => call.method.toLowerCase() === methodOrPredicate.toLowerCase()
      : methodOrPredicate;
    const awaited = typeof methodOrPredicate === 'string' ? `a call to ${methodOrPredicate}` : 'a matching call';
    return this.#signal.waitFor(
      () => this.calls.slice(options.since ?? 0).find(matches),
      awaited,
      () => this.calls.slice(options.since ?? 0).map((call) => call.method),
      options,
    );
  }

  /** Resolves with the first non-undefined value of `check`, re-evaluated on every change. */
  waitFor<T>(check: () => T | undefined, options: WaitOptions & { description?: string } = {}): Promise<T> {
    return this.#signal.waitFor(check, options.description ?? 'a condition', () => [], options);
  }

  // ---- Error injection ----------------------------------------------------------------------

  /**
   * Fails the next call(s) of `method` with `error` (e.g. `tooManyRequests(3)`), optionally
   * only for one chat and several times. Injected failures are answered and recorded like real ones.
   */
  failNext(method: string, error: TelegramApiError, options: FailNextOptions = {}): InjectedError {
    return this.#injector.failNext(method, error, options);
  }

  /** Fails every call matching `predicate` with `error`, `times` times (default: until removed). */
  injectError(predicate: (call: CallMatch) => boolean, error: TelegramApiError | (() => TelegramApiError),
    options: { times?: number } = {}): InjectedError {
    return this.#injector.inject(predicate, error, options.times);
  }

  /** Removes every error injection. */
  clearInjectedErrors(): void {
    this.#injector.clear();
  }

  // ---- Delivery -----------------------------------------------------------------------------

  /** Sets the webhook as if the bot had called setWebhook (tests often set it up front). */
  setWebhook(options: SetWebhookOptions): void {
    const config: WebhookConfig = { url: options.url, max_connections: options.max_connections ?? 40 };
    if (options.secret_token !== undefined) config.secret_token = options.secret_token;
    if (options.allowed_updates !== undefined) {
      config.allowed_updates = options.allowed_updates;
      this.#allowedUpdates = options.allowed_updates;
    }
    this.#dispatcher.setWebhook(config, options.drop_pending_updates === true);
  }

  /** Removes the webhook; updates then wait for getUpdates. */
  deleteWebhook(options: { drop_pending_updates?: boolean } = {}): void {
    this.#dispatcher.deleteWebhook(options.drop_pending_updates === true);
  }

  /**
   * Queues a hand-made update as is: no privacy or allowed_updates filtering, and the world
   * is not changed, except that a known user's private message opens their chat with the bot.
   * An update without `update_id` gets the next one; one with an id keeps it
   * (duplicates allowed), and later ids continue above it.
   */
  deliver(update: Update | UpdateBody): UserAction {
    this.#noteHandMade(update);
    const id = 'update_id' in update && typeof update.update_id === 'number' ? update.update_id : this.#nextUpdateId++;
    this.#nextUpdateId = Math.max(this.#nextUpdateId, id + 1);
    return this.#queue({ ...update, update_id: id } as Update);
  }

  /**
   * POSTs an update straight to the webhook, bypassing the queue and per-chat ordering (for
   * concurrent duplicates). `secret: null` omits the secret header; a string replaces it.
   * Like {@link deliver}, a known user's private message opens their chat with the bot.
   */
  deliverRaw(update: Update, options: { secret?: string | null; url?: string } = {}): Promise<WebhookResponse> {
    this.#noteHandMade(update);
    return this.#dispatcher.deliverRaw(update, {
      ...(options.secret === undefined ? {} : { secretToken: options.secret }),
      ...(options.url === undefined ? {} : { url: options.url }),
    });
  }

  /**
   * A hand-made update saying a known user wrote to the bot opens their private chat, as the
   * real message would have; otherwise the bot's reply would fail with "bot can't initiate
   * conversation with a user". The message itself is not stored (its id is the test's choice).
   */
  #noteHandMade(update: Update | UpdateBody): void {
    const message = update.message ?? update.callback_query?.message;
    const from = update.message?.from ?? update.callback_query?.from;
    if (message?.chat.type !== 'private' || from === undefined || message.chat.id !== from.id) return;
    const user = this.world.users.get(from.id);
    if (user !== undefined) this.world.openPrivateChat(user);
  }

  /** Resolves once every queued update was delivered (webhook 2xx) or confirmed (getUpdates offset). */
  idle(options: WaitOptions = {}): Promise<void> {
    return this.#dispatcher.idle(options.timeoutMs ?? 5000);
  }

  /** Whether a getUpdates long poll is open, waiting for updates (for {@link waitFor}). */
  get longPollWaiting(): boolean {
    return this.#dispatcher.pollWaiting;
  }

  /** Update ids waiting for delivery or confirmation. */
  get pendingUpdateIds(): number[] {
    return this.#dispatcher.pendingIds;
  }

  /**
   * Sends the bot an update produced by something happening in the world, numbering it,
   * unless Telegram would not (privacy mode, bot absent, allowed_updates). Used by emulated
   * users and groups; tests usually call those instead.
   */
  publish(body: UpdateBody): UserAction {
    const type = updateType(body as Update);
    const allowed = this.#allowedUpdates === undefined || this.#allowedUpdates.length === 0
      ? !NOT_SENT_BY_DEFAULT.has(type)
      : this.#allowedUpdates.includes(type);
    if (!allowed || !isVisibleToBot(this.world, body)) {
      return { update: { update_id: 0, ...body } as Update, queued: false, delivered: Promise.resolve('dropped') };
    }
    return this.#queue({ update_id: this.#nextUpdateId++, ...body } as Update);
  }

  #queue(update: Update): UserAction {
    this.updates.push(update);
    const delivered = this.#dispatcher.push(update);
    this.#signal.notify();
    return { update, queued: true, delivered };
  }

  // ---- Actors -------------------------------------------------------------------------------

  /** A Telegram user who can message the bot, press its buttons, join groups, pay. */
  createUser(options: CreateUserOptions): EmulatedUser {
    const user = new EmulatedUser(this, this.world.addUser(options));
    this.#users.set(user.id, user);
    return user;
  }

  /** A group, supergroup or channel with members; add the bot with `group.addBot()`. */
  createGroup(options: CreateGroupOptions): EmulatedGroup {
    const creator = options.creator ?? options.members?.[0] ??
      this.createUser({ first_name: 'Group', last_name: 'Owner', username: `owner${this.#groups.length + 1}` });
    const group = new EmulatedGroup(this, this.world.addChat(options.type ?? 'supergroup', options.title, creator.user,
      options.username), creator);
    const record = this.world.chats.get(group.id);
    // Initial members join without updates: the bot is not in the group yet.
    for (const member of options.members ?? []) {
      if (member !== creator && record !== undefined) this.world.setMember(record, chatMember(member.user, 'member'));
    }
    this.#groups.push(group);
    return group;
  }

  /** Emulated users, in creation order. */
  get users(): EmulatedUser[] {
    return [...this.#users.values()];
  }

  /** Emulated groups and channels, in creation order. */
  get groups(): EmulatedGroup[] {
    return [...this.#groups];
  }

  userById(id: number): EmulatedUser | undefined {
    return this.#users.get(id);
  }

  /** The group with this id, also by the id it had before an upgrade to a supergroup. */
  groupById(id: number): EmulatedGroup | undefined {
    return this.#groups.find((group) => group.id === id || group.previousIds.includes(id));
  }

  // ---- What the bot did ---------------------------------------------------------------------

  /** The bot's messages in a chat, as they are now (edits applied, deleted ones gone). */
  messagesIn(chat: ChatRef): Message[] {
    const record = this.world.chats.get(chatIdOf(chat));
    if (record === undefined) return [];
    return [...record.messages.values()].filter((message) => this.#isFromBot(record, message));
  }

  /** All messages in a chat, users' and bot's, as they are now. */
  historyIn(chat: ChatRef): Message[] {
    return [...(this.world.chats.get(chatIdOf(chat))?.messages.values() ?? [])];
  }

  lastBotMessage(chat: ChatRef): Message | undefined {
    return this.messagesIn(chat).at(-1);
  }

  /**
   * Reads the chat like its user would: resolves with the oldest bot message not yet read by
   * an earlier call that matches `predicate` (already sent or still to come), and marks it and
   * everything before it as read. So `sendCommand` then `waitForBotMessage` works however fast
   * the bot answers, and consecutive calls return consecutive replies.
   */
  waitForBotMessage(chat: ChatRef, predicate: (message: Message) => boolean = () => true,
    options: WaitOptions = {}): Promise<Message> {
    const chatId = chatIdOf(chat);
    return this.#signal.waitFor(
      () => {
        const readUpTo = this.#readUpTo.get(chatId) ?? 0;
        const found = this.messagesIn(chatId).find((message) => message.message_id > readUpTo && predicate(message));
        if (found !== undefined) this.#readUpTo.set(chatId, found.message_id);
        return found;
      },
      `a bot message in chat ${chatId}`,
      () => [
        ...this.messagesIn(chatId).map((m) => `message ${m.message_id}: ${JSON.stringify(m.text ?? m.caption ?? '')}`),
        ...this.calls.slice(-10).map((call) => `${call.method} → ${call.response.ok ? 'ok' : call.response.description}`),
      ],
      options,
    );
  }

  /**
   * The parameters the bot last sent or edited a message with that a Message does not show:
   * parse_mode, reply keyboards, link_preview_options, disable_notification...
   */
  sentOptions(message: Pick<Message, 'chat' | 'message_id'>): Record<string, unknown> | undefined {
    return this.#sentOptions.get(message);
  }

  /** The bot's answerCallbackQuery parameters for a query, once it answered. */
  callbackAnswer(callbackQueryId: string): Record<string, unknown> | undefined {
    return this.world.callbackQueries.get(callbackQueryId)?.answer;
  }

  /**
   * Renews a Stars subscription at the end of its period, as Telegram does every
   * `subscription_period`: a new successful_payment with `is_recurring`, a new charge id and
   * the next `subscription_expiration_date`. Returns undefined (no charge) when the bot
   * canceled it with editUserStarSubscription, or when it was refunded.
   */
  renewStarSubscription(firstChargeId: string): UserAction | undefined {
    const first = this.world.starPayments.get(firstChargeId);
    const subscription = first?.subscription;
    if (first === undefined || subscription === undefined) throw new Error(`no subscription with the charge id ${firstChargeId}`);
    if (subscription.canceledByBot || subscription.canceledByUser || subscription.failed || first.refunded) return undefined;
    subscription.expiresAt += subscription.period;
    const chargeId = `stxEmUr${this.world.starPayments.size + 1}_${firstChargeId}`;
    this.world.starPayments.set(chargeId, { ...first, refunded: false, refundedAt: undefined, date: this.world.now(), subscription });
    const chat = this.world.chats.get(first.chatId);
    const from = this.world.users.get(first.userId);
    if (chat === undefined || from === undefined) throw new Error(`subscription ${firstChargeId} has no chat`);
    return this.publish(messageUpdate(this.world.addMessage(chat, { from, successful_payment: {
      currency: first.currency, total_amount: first.amount, invoice_payload: first.payload,
      subscription_expiration_date: subscription.expiresAt, is_recurring: true,
      telegram_payment_charge_id: chargeId, provider_payment_charge_id: '',
    } })));
  }

  /**
   * A renewal Telegram could not charge (the user's balance was short): the `subscription`
   * update with state `failed` (Bot API 10.2), and no renewal follows. Its charge id is the
   * subscription's first.
   */
  failStarSubscriptionRenewal(firstChargeId: string): UserAction {
    const { first, subscription } = this.#subscription(firstChargeId);
    subscription.failed = true;
    return this.#subscriptionUpdate(first, 'failed');
  }

  /**
   * The user cancels (or, `canceled` false, re-enables) a subscription in their Telegram app:
   * the `subscription` update with state `canceled` / `active`, user and payload, no charge id.
   * A canceled subscription runs to the end of its period and is not renewed.
   */
  setStarSubscriptionCanceledByUser(firstChargeId: string, canceled: boolean): UserAction {
    const { first, subscription } = this.#subscription(firstChargeId);
    subscription.canceledByUser = canceled;
    if (!canceled) subscription.failed = false;
    return this.#subscriptionUpdate(first, canceled ? 'canceled' : 'active');
  }

  /**
   * A refund Telegram made itself (a dispute, a chargeback): the charge is marked refunded and
   * the bot gets a `refunded_payment` service message from the user. Whether Telegram also sends
   * one after refundStarPayment is unconfirmed; the emulator does not.
   */
  refundStarPaymentAsTelegram(chargeId: string): UserAction {
    const payment = this.world.starPayments.get(chargeId);
    if (payment === undefined) throw new Error(`no Star payment ${chargeId}`);
    payment.refunded = true;
    payment.refundedAt = this.world.now();
    const chat = this.world.chats.get(payment.chatId);
    const from = this.world.users.get(payment.userId);
    if (chat === undefined || from === undefined) throw new Error(`payment ${chargeId} has no chat`);
    return this.publish(messageUpdate(this.world.addMessage(chat, { from, refunded_payment: {
      currency: 'XTR', total_amount: payment.amount, invoice_payload: payment.payload, telegram_payment_charge_id: chargeId,
    } })));
  }

  #subscription(firstChargeId: string) {
    const first = this.world.starPayments.get(firstChargeId);
    const subscription = first?.subscription;
    if (first === undefined || subscription === undefined) throw new Error(`no subscription with the charge id ${firstChargeId}`);
    return { first, subscription };
  }

  #subscriptionUpdate(first: StarPaymentRecord, state: 'canceled' | 'active' | 'failed'): UserAction {
    const user = this.world.users.get(first.userId);
    if (user === undefined) throw new Error(`no user ${first.userId}`);
    this.world.changed();
    return this.publish({ subscription: { user, invoice_payload: first.payload, state } } as UpdateBody);
  }

  /** The bot's answerPreCheckoutQuery parameters for a query, once it answered. */
  preCheckoutAnswer(queryId: string): Record<string, unknown> | undefined {
    return this.world.preCheckoutQueries.get(queryId)?.answer;
  }

  #isFromBot(record: ChatRecord, message: Message): boolean {
    // Channel posts carry the channel as sender whoever wrote them; the bot's are the ones it sent.
    return record.type === 'channel' ? this.#sentOptions.get(message) !== undefined : message.from?.id === this.world.bot.id;
  }

  // ---- Running methods -----------------------------------------------------------------------

  /** Runs one method call: error injection, the handler, recording. */
  async #execute(method: string, params: Record<string, unknown>, files: Map<string, UploadedFile>,
    options: { parseError?: TelegramApiError; viaWebhookReply?: boolean } = {}): Promise<ApiCall['response']> {
    const at = this.#clock();
    let response: ApiCall['response'];
    try {
      if (options.parseError !== undefined) throw options.parseError;
      const injected = this.#injector.match({ method, params });
      if (injected !== undefined) throw injected;
      const handler = allMethods.get(method.toLowerCase());
      if (handler === undefined) throw methodNotFound();
      const result: unknown = await handler(this.#context(params, files));
      response = { ok: true, result };
    } catch (error) {
      if (!(error instanceof TelegramApiError)) {
        this.#logger.error({ err: error, method }, 'telegram emulator method failed');
      }
      response = error instanceof TelegramApiError
        ? error.toBody()
        : { ok: false, error_code: 500, description: 'Internal Server Error' };
    }
    const call: ApiCall = { method, params, at, response };
    if (options.viaWebhookReply === true) call.viaWebhookReply = true;
    this.calls.push(call);
    this.#logger.debug({ method, ok: response.ok, ...(response.ok ? {} : { error: response.description }) },
      'telegram emulator call');
    this.#signal.notify();
    return response;
  }

  #context(params: Record<string, unknown>, files: Map<string, UploadedFile>): MethodContext {
    return {
      params: new ApiParams(params),
      files,
      world: this.world,
      dispatcher: this.#dispatcher,
      sentOptions: this.#sentOptions,
      publish: (body) => this.publish(body),
      countMessage: (chat) => this.#limiter?.check(chat.id, chat.type),
      setAllowedUpdates: (types) => {
        this.#allowedUpdates = types;
      },
    };
  }

  async #replyFromWebhook(payload: Record<string, unknown>): Promise<void> {
    const { method, ...params } = payload;
    await this.#execute(String(method), params, new Map(), { viaWebhookReply: true });
  }

}

function chatIdOf(chat: ChatRef): number {
  return typeof chat === 'number' ? chat : chat.id;
}
