import http from 'node:http';
import type { Update } from 'grammy/types';
import { TelegramApiError } from './TelegramApiError.js';
import { EmulatorClosedError } from './EmulatorClosedError.js';
import { EmulatorTimeoutError } from './EmulatorTimeoutError.js';
import type { EmulatorLogger } from './EmulatorLogger.js';
import { postWebhook, type WebhookResponse } from './postWebhook.js';
import { updateChatKey } from './updateChatKey.js';

/** The webhook as set by setWebhook. */
export interface WebhookConfig {
  url: string;
  secret_token?: string;
  /** Concurrent deliveries across chats; Telegram's default is 40. */
  max_connections: number;
  allowed_updates?: string[];
  ip_address?: string;
}

/** Backoff between redeliveries of an update the webhook did not accept. */
export interface RedeliveryOptions {
  /** First wait, in ms. @default 50 */
  initialMs?: number;
  /** Each further wait is multiplied by this. @default 2 */
  factor?: number;
  /** Upper bound of a wait, in ms. @default 2000 */
  maxMs?: number;
}

/** One attempt to deliver an update to the webhook. */
export interface DeliveryAttempt {
  update_id: number;
  /** 1 for the first try of an update, then 2, 3, ... ; 0 for {@link UpdateDispatcher.deliverRaw}. */
  attempt: number;
  /** HTTP status, or null when the request failed (connection refused, timeout). */
  status: number | null;
  /** ms timestamp when the attempt finished. */
  at: number;
  error?: string;
}

/** How an update left the queue. */
export type DeliveryOutcome = 'delivered' | 'dropped';

interface Entry {
  update: Update;
  key: string;
  attempts: number;
  state: 'ready' | 'sending' | 'backoff';
  timer?: NodeJS.Timeout;
  settle: (outcome: DeliveryOutcome) => void;
}

interface PollWaiter {
  resolve: (updates: Update[]) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
  offset: number | undefined;
  limit: number;
}

interface IdleWaiter {
  resolve: () => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
}

/** What {@link UpdateDispatcher} needs from its owner. */
export interface UpdateDispatcherOptions {
  redelivery?: RedeliveryOptions;
  /** How long a webhook may take to answer. @default 10000 */
  webhookTimeoutMs?: number;
  logger: EmulatorLogger;
  clock: () => number;
  /** Runs a method the webhook answered with (Telegram's "reply to the webhook" feature). */
  onWebhookReply: (payload: Record<string, unknown>) => void;
  /** Called after every delivery attempt is recorded, so waits on `deliveries` wake up. */
  onAttempt?: () => void;
}

/**
 * Holds updates until the bot has them and delivers them like Telegram: by webhook (one
 * update at a time per chat, in update_id order, up to max_connections chats at once,
 * redelivering on failure while the chat's later updates wait) or to getUpdates (long polling,
 * confirmed by `offset`).
 */
export class UpdateDispatcher {
  /** Every webhook delivery attempt, in order. */
  readonly deliveries: DeliveryAttempt[] = [];

  lastError: { date: number; message: string } | undefined;

  readonly #options: UpdateDispatcherOptions;
  readonly #pending: Entry[] = [];
  #webhook: WebhookConfig | undefined;
  #poller: PollWaiter | undefined;
  readonly #idleWaiters = new Set<IdleWaiter>();
  readonly #abort = new AbortController();
  // A private agent so close() can destroy its sockets; the global one would keep them
  // alive and hold the test process open.
  readonly #agent = new http.Agent({ keepAlive: true });
  #closed = false;

  constructor(options: UpdateDispatcherOptions) {
    this.#options = options;
  }

  get webhook(): WebhookConfig | undefined {
    return this.#webhook;
  }

  get pendingCount(): number {
    return this.#pending.length;
  }

  /** Update ids still waiting to be delivered or confirmed. */
  get pendingIds(): number[] {
    return this.#pending.map((entry) => entry.update.update_id);
  }

  /** Queues an update; the promise settles when it was delivered (2xx or confirmed by getUpdates) or dropped. */
  push(update: Update): Promise<DeliveryOutcome> {
    return new Promise((settle) => {
      const entry: Entry = { update, key: updateChatKey(update), attempts: 0, state: 'ready', settle };
      // Keep update_id order even when a test delivers hand-made updates with chosen ids.
      let index = this.#pending.length;
      while (index > 0 && (this.#pending[index - 1]?.update.update_id ?? 0) > update.update_id) index--;
      this.#pending.splice(index, 0, entry);
      this.#wakePoller();
      this.#pump();
    });
  }

  setWebhook(config: WebhookConfig, dropPending: boolean): void {
    this.#webhook = config;
    if (dropPending) this.#dropPending();
    // A getUpdates waiting when the webhook gets set returns what it has; the next one gets 409.
    this.#answerPoller([]);
    this.#pump();
  }

  deleteWebhook(dropPending: boolean): void {
    this.#webhook = undefined;
    if (dropPending) this.#dropPending();
  }

  /**
   * getUpdates: confirms updates below `offset` (a negative offset keeps only the last
   * |offset| updates), then returns up to `limit` updates, waiting up to `timeoutSeconds`
   * for the first one. A newer call ends a waiting one with Telegram's 409.
   */
  getUpdates(offset: number | undefined, limit: number, timeoutSeconds: number): Promise<Update[]> {
    if (this.#webhook !== undefined) {
      throw new TelegramApiError(409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    if (this.#poller !== undefined) {
      const previous = this.#poller;
      this.#poller = undefined;
      clearTimeout(previous.timer);
      previous.reject(new TelegramApiError(409,
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    this.#confirm(offset);
    const available = this.#available(offset, limit);
    if (available.length > 0 || timeoutSeconds <= 0 || this.#closed) return Promise.resolve(available);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.#answerPoller([]), timeoutSeconds * 1000);
      this.#poller = { resolve, reject, timer, offset, limit };
    });
  }

  /** Resolves once no update waits for delivery or confirmation. */
  idle(timeoutMs: number): Promise<void> {
    if (this.#pending.length === 0) return Promise.resolve();
    if (this.#closed) return Promise.reject(new EmulatorClosedError('idle'));
    return new Promise((resolve, reject) => {
      const waiter: IdleWaiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#idleWaiters.delete(waiter);
          reject(new EmulatorTimeoutError('all updates delivered', timeoutMs,
            this.#pending.map((entry) => `update ${entry.update.update_id} (${entry.attempts} attempts)`)));
        }, timeoutMs),
      };
      this.#idleWaiters.add(waiter);
    });
  }

  /**
   * POSTs an update straight to the webhook, outside the queue and its per-chat ordering.
   * `secretToken: null` omits the header; undefined sends the configured one.
   */
  async deliverRaw(update: Update, options: { secretToken?: string | null; url?: string } = {}): Promise<WebhookResponse> {
    const url = options.url ?? this.#webhook?.url;
    if (url === undefined) throw new Error('deliverRaw needs a webhook: call setWebhook first or pass { url }');
    const secretToken = options.secretToken === null ? undefined : options.secretToken ?? this.#webhook?.secret_token;
    try {
      const response = await this.#post(url, update, secretToken);
      this.#record({ update_id: update.update_id, attempt: 0, status: response.status, at: this.#options.clock() });
      return response;
    } catch (error) {
      this.#record({ update_id: update.update_id, attempt: 0, status: null, at: this.#options.clock(),
        error: String(error) });
      throw error;
    }
  }

  /** Stops deliveries, timers and waiting requests; nothing of the dispatcher keeps the process alive after. */
  close(): void {
    this.#closed = true;
    this.#abort.abort();
    for (const entry of this.#pending) clearTimeout(entry.timer);
    this.#answerPoller([]);
    for (const waiter of this.#idleWaiters) {
      clearTimeout(waiter.timer);
      waiter.reject(new EmulatorClosedError('idle'));
    }
    this.#idleWaiters.clear();
    this.#agent.destroy();
  }

  #record(attempt: DeliveryAttempt): void {
    this.deliveries.push(attempt);
    this.#options.onAttempt?.();
  }

  #pump(): void {
    const webhook = this.#webhook;
    if (webhook === undefined || this.#closed) return;
    let active = this.#pending.filter((entry) => entry.state === 'sending').length;
    const blockedKeys = new Set<string>();
    for (const entry of this.#pending) {
      // The first pending update of a chat blocks the chat's later ones until it is delivered.
      if (blockedKeys.has(entry.key)) continue;
      blockedKeys.add(entry.key);
      if (entry.state !== 'ready') continue;
      if (active >= webhook.max_connections) break;
      active++;
      this.#send(entry, webhook);
    }
  }

  #send(entry: Entry, webhook: WebhookConfig): void {
    entry.state = 'sending';
    entry.attempts++;
    const attempt = entry.attempts;
    const updateId = entry.update.update_id;
    void this.#post(webhook.url, entry.update, webhook.secret_token).then(
      (response) => {
        const ok = response.status >= 200 && response.status < 300;
        this.#record({ update_id: updateId, attempt, status: response.status, at: this.#options.clock() });
        if (ok) {
          this.#remove(entry, 'delivered');
          this.#runWebhookReply(response.body);
        } else {
          const reason = http.STATUS_CODES[response.status] ?? '';
          this.#retryLater(entry, `Wrong response from the webhook: ${response.status} ${reason}`.trim());
        }
      },
      (error: unknown) => {
        if (this.#closed) return;
        const message = describeNetworkError(error);
        this.#record({ update_id: updateId, attempt, status: null, at: this.#options.clock(), error: message });
        this.#retryLater(entry, message);
      },
    ).finally(() => this.#pump());
  }

  #post(url: string, update: Update, secretToken: string | undefined): Promise<WebhookResponse> {
    return postWebhook(url, JSON.stringify(update), {
      secretToken,
      timeoutMs: this.#options.webhookTimeoutMs ?? 10_000,
      signal: this.#abort.signal,
      agent: this.#agent,
    });
  }

  #retryLater(entry: Entry, message: string): void {
    this.lastError = { date: Math.floor(this.#options.clock() / 1000), message };
    this.#options.logger.warn({ update_id: entry.update.update_id, attempt: entry.attempts, error: message },
      'webhook delivery failed; will redeliver');
    if (this.#closed || !this.#pending.includes(entry)) return;
    const { initialMs = 50, factor = 2, maxMs = 2000 } = this.#options.redelivery ?? {};
    const delay = Math.min(maxMs, initialMs * factor ** (entry.attempts - 1));
    entry.state = 'backoff';
    entry.timer = setTimeout(() => {
      entry.state = 'ready';
      entry.timer = undefined;
      this.#pump();
    }, delay);
  }

  #runWebhookReply(body: string): void {
    if (body.trim() === '') return;
    try {
      const payload = JSON.parse(body) as unknown;
      if (typeof payload === 'object' && payload !== null && typeof (payload as { method?: unknown }).method === 'string') {
        this.#options.onWebhookReply(payload as Record<string, unknown>);
      }
    } catch {
      // Telegram ignores a webhook answer that is not a method call; so do we.
    }
  }

  #confirm(offset: number | undefined): void {
    if (offset === undefined || offset === 0) return;
    if (offset < 0) {
      const keep = this.#pending.length + offset;
      for (const entry of this.#pending.slice(0, Math.max(0, keep))) this.#remove(entry, 'delivered');
      return;
    }
    for (const entry of [...this.#pending]) {
      if (entry.update.update_id < offset) this.#remove(entry, 'delivered');
    }
  }

  #available(offset: number | undefined, limit: number): Update[] {
    return this.#pending
      .filter((entry) => offset === undefined || offset <= 0 || entry.update.update_id >= offset)
      .slice(0, limit)
      .map((entry) => entry.update);
  }

  #wakePoller(): void {
    const poller = this.#poller;
    if (poller === undefined) return;
    const available = this.#available(poller.offset, poller.limit);
    if (available.length > 0) this.#answerPoller(available);
  }

  #answerPoller(updates: Update[]): void {
    const poller = this.#poller;
    if (poller === undefined) return;
    this.#poller = undefined;
    clearTimeout(poller.timer);
    poller.resolve(updates);
  }

  #remove(entry: Entry, outcome: DeliveryOutcome): void {
    const index = this.#pending.indexOf(entry);
    if (index === -1) return;
    this.#pending.splice(index, 1);
    clearTimeout(entry.timer);
    entry.settle(outcome);
    if (this.#pending.length === 0) {
      for (const waiter of this.#idleWaiters) {
        clearTimeout(waiter.timer);
        waiter.resolve();
      }
      this.#idleWaiters.clear();
    }
  }

  #dropPending(): void {
    for (const entry of [...this.#pending]) this.#remove(entry, 'dropped');
  }
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (error instanceof Error && error.message.startsWith('webhook did not answer')) return 'Read timeout expired';
  return error instanceof Error ? error.message : String(error);
}
