import http from 'node:http';
import type { Update } from 'grammy/types';
import { type ClockTimer, type EmulatorClock, systemClock } from '../shared/EmulatorClock.js';
import { TelegramApiError } from './TelegramApiError.js';
import { EmulatorClosedError } from './EmulatorClosedError.js';
import { EmulatorTimeoutError } from './EmulatorTimeoutError.js';
import type { EmulatorLogger } from './EmulatorLogger.js';
import { postWebhook, type WebhookResponse, WebhookTimeoutError } from './postWebhook.js';
import { updateChatKey, updateExpiresAt } from './updateChatKey.js';

/** The webhook as set by setWebhook. */
export interface WebhookConfig {
  url: string;
  secret_token?: string;
  /** Concurrent deliveries across queues; Telegram's default is 40. */
  max_connections: number;
  allowed_updates?: string[];
  ip_address?: string;
}

/**
 * Backoff between redeliveries of an update the webhook did not accept. The server retries
 * the first failure at once, then waits `initialMs`, doubling, up to a cap drawn at random
 * from [maxMs, 2·maxMs] at each failure (WebhookActor.cpp:502-519, WEBHOOK_MAX_RESEND_TIMEOUT).
 */
export interface RedeliveryOptions {
  /** Wait after the second failure, in ms. @default 2000 */
  initialMs?: number;
  /** Each further wait is multiplied by this. @default 2 */
  factor?: number;
  /** Lower end of the random cap, in ms. @default 60000 */
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
  /** What happened next after a failure: retried after `retryInMs`, or dropped (it would outlive its expiry). */
  next?: { retryInMs: number } | 'dropped';
}

/** How an update left the queue. */
export type DeliveryOutcome = 'delivered' | 'dropped';

interface Entry {
  update: Update;
  key: string;
  /** Failed attempts so far (the server's fail_count_). */
  failures: number;
  attempts: number;
  /** The server's `delay_`, in ms: 1 s at first, doubled from the second failure on. */
  delayMs: number;
  wakeupAt: number;
  expiresAt: number;
  state: 'ready' | 'sending' | 'backoff';
  timer?: ClockTimer;
  settle: (outcome: DeliveryOutcome) => void;
}

interface PollWaiter {
  resolve: (updates: Update[]) => void;
  reject: (error: unknown) => void;
  timer: ClockTimer;
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
  /** How long a webhook may take to answer, on `clock`. @default 60000 (WebhookActor.cpp:231) */
  webhookTimeoutMs?: number;
  logger: EmulatorLogger;
  /** @default the wall clock */
  clock?: EmulatorClock;
  /** Runs a method the webhook answered with (Telegram's "reply to the webhook" feature). */
  onWebhookReply: (payload: Record<string, unknown>) => void;
  /** Called after every delivery attempt is recorded, so waits on `deliveries` wake up. */
  onAttempt?: () => void;
  /** Called when a getUpdates call starts waiting (tests wait for it instead of sleeping). */
  onPollWaiting?: () => void;
}

// Methods the server never runs from a webhook reply (WebhookActor.cpp:620-623).
const NOT_RUN_FROM_REPLY = /^(deletewebhook|setwebhook|close|logout|get.*)$/;
const MAX_RETRY_AFTER_S = 3600;
// With no success for this long, the server opens one connection at a time (WebhookActor.cpp:282-294).
const RECOVERY_WINDOW_MS = 10_000;
const GONE_CLOSES_AFTER_MS = 23 * 3_600_000;

/**
 * Holds updates until the bot has them and delivers them like the Bot API server: by webhook
 * (one update at a time per delivery queue, in update_id order, up to max_connections at
 * once; a failed update is retried at once, then after 2, 4, 8… s up to a random 60–120 s,
 * after the webhook's Retry-After when it sends one, and dropped when the next try would come
 * after its expiry) or to getUpdates (long polling, confirmed by `offset`).
 */
export class UpdateDispatcher {
  /** Every webhook delivery attempt, in order. */
  readonly deliveries: DeliveryAttempt[] = [];
  /** Updates given up on (expired before the webhook took them), in the order they were dropped. */
  readonly dropped: Update[] = [];

  lastError: { date: number; message: string } | undefined;

  readonly #options: UpdateDispatcherOptions;
  readonly #clock: EmulatorClock;
  readonly #pending: Entry[] = [];
  #webhook: WebhookConfig | undefined;
  #poller: PollWaiter | undefined;
  readonly #idleWaiters = new Set<IdleWaiter>();
  readonly #abort = new AbortController();
  // A private agent so close() can destroy its sockets; the global one would keep them
  // alive and hold the test process open.
  readonly #agent = new http.Agent({ keepAlive: true });
  #closed = false;
  #lastSuccessAt = Number.NEGATIVE_INFINITY;
  #first410At: number | undefined;
  #lastAttemptFailed = false;

  constructor(options: UpdateDispatcherOptions) {
    this.#options = options;
    this.#clock = options.clock ?? systemClock;
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
      const now = this.#clock.now();
      const entry: Entry = { update, key: updateChatKey(update), failures: 0, attempts: 0, delayMs: 1000, wakeupAt: now,
        expiresAt: updateExpiresAt(update, now), state: 'ready', settle };
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
    // A getUpdates waiting when the webhook gets set is ended with a 409 (Client.cpp:16229).
    this.#rejectPoller(new TelegramApiError(409, 'Conflict: terminated by setWebhook request'));
    this.#pump();
  }

  deleteWebhook(dropPending: boolean): void {
    this.#webhook = undefined;
    if (dropPending) this.#dropPending();
  }

  /**
   * getUpdates: confirms updates below `offset` (a negative offset keeps only the last
   * |offset| updates), then returns up to `limit` updates, waiting up to `timeoutSeconds`
   * (at most 50, Client.cpp:15709) for the first one. A newer call ends a waiting one with
   * Telegram's 409.
   */
  getUpdates(offset: number | undefined, limit: number, timeoutSeconds: number): Promise<Update[]> {
    if (this.#webhook !== undefined) {
      throw new TelegramApiError(409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    this.#rejectPoller(new TelegramApiError(409,
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    this.#confirm(offset);
    const available = this.#available(offset, limit);
    if (available.length > 0 || timeoutSeconds <= 0 || this.#closed) return Promise.resolve(available);
    return new Promise((resolve, reject) => {
      const timer = this.#clock.setTimer(() => this.#answerPoller([]), Math.min(50, timeoutSeconds) * 1000);
      this.#poller = { resolve, reject, timer, offset, limit };
      this.#options.onPollWaiting?.();
    });
  }

  /** Whether a getUpdates call is waiting for updates (a long poll is open). */
  get pollWaiting(): boolean {
    return this.#poller !== undefined;
  }

  /** Resolves once no update waits for delivery or confirmation (real time: `timeoutMs` is a test's patience). */
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
   * POSTs an update straight to the webhook, outside the queue and its ordering.
   * `secretToken: null` omits the header; undefined sends the configured one.
   */
  async deliverRaw(update: Update, options: { secretToken?: string | null; url?: string } = {}): Promise<WebhookResponse> {
    const url = options.url ?? this.#webhook?.url;
    if (url === undefined) throw new Error('deliverRaw needs a webhook: call setWebhook first or pass { url }');
    const secretToken = options.secretToken === null ? undefined : options.secretToken ?? this.#webhook?.secret_token;
    try {
      const response = await this.#post(url, update, secretToken);
      this.#record({ update_id: update.update_id, attempt: 0, status: response.status, at: this.#clock.now() });
      return response;
    } catch (error) {
      this.#record({ update_id: update.update_id, attempt: 0, status: null, at: this.#clock.now(),
        error: String(error) });
      throw error;
    }
  }

  /** Stops deliveries, timers and waiting requests; nothing of the dispatcher keeps the process alive after. */
  close(): void {
    this.#closed = true;
    this.#abort.abort();
    for (const entry of this.#pending) entry.timer?.cancel();
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
    const now = this.#clock.now();
    // After failures, the server opens one connection at a time until a delivery succeeds again.
    const recovering = this.#lastAttemptFailed && this.#lastSuccessAt + RECOVERY_WINDOW_MS < now;
    const limit = recovering ? 1 : webhook.max_connections;
    let active = this.#pending.filter((entry) => entry.state === 'sending').length;
    const blockedKeys = new Set<string>();
    for (const entry of this.#pending) {
      // The first pending update of a queue blocks the queue's later ones until it is delivered or dropped.
      if (blockedKeys.has(entry.key)) continue;
      blockedKeys.add(entry.key);
      if (entry.state !== 'ready') continue;
      if (active >= limit) break;
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
        if (this.#closed) return;
        if (response.status >= 200 && response.status < 300) {
          this.#lastSuccessAt = this.#clock.now();
          this.#lastAttemptFailed = false;
          this.#first410At = undefined;
          this.#record({ update_id: updateId, attempt, status: response.status, at: this.#clock.now() });
          this.#remove(entry, 'delivered');
          this.#runWebhookReply(response);
        } else {
          // 410 Gone for 23 hours closes the webhook (WebhookActor.cpp:637-645, WEBHOOK_DROP_TIMEOUT).
          if (response.status !== 410) this.#first410At = undefined;
          else if (this.#first410At === undefined) this.#first410At = this.#clock.now();
          else if (this.#clock.now() > this.#first410At + GONE_CLOSES_AFTER_MS) {
            this.#options.logger.warn({ url: webhook.url }, 'webhook closed: it answered 410 Gone for 23 hours');
            this.#webhook = undefined;
            this.#first410At = undefined;
          }
          const reason = http.STATUS_CODES[response.status] ?? '';
          this.#failed(entry, { update_id: updateId, attempt, status: response.status, at: this.#clock.now() },
            `Wrong response from the webhook: ${response.status} ${reason}`.trim(), retryAfterOf(response));
        }
      },
      (error: unknown) => {
        if (this.#closed) return;
        const message = describeNetworkError(error);
        this.#failed(entry, { update_id: updateId, attempt, status: null, at: this.#clock.now(), error: message }, message, 0);
      },
    ).finally(() => this.#pump());
  }

  #post(url: string, update: Update, secretToken: string | undefined): Promise<WebhookResponse> {
    return postWebhook(url, JSON.stringify(update), {
      secretToken,
      timeoutMs: this.#options.webhookTimeoutMs ?? 60_000,
      clock: this.#clock,
      signal: this.#abort.signal,
      agent: this.#agent,
    });
  }

  /** WebhookActor::on_update_error: the next wait, or a drop when that wait would pass the expiry. */
  #failed(entry: Entry, attempt: DeliveryAttempt, message: string, retryAfterS: number): void {
    this.#lastAttemptFailed = true;
    const now = this.#clock.now();
    this.lastError = { date: Math.floor(now / 1000), message };
    const { initialMs = 2000, factor = 2, maxMs = 60_000 } = this.#options.redelivery ?? {};
    let nextDelay = entry.delayMs;
    let effective = Math.min(Math.max(retryAfterS, 0), MAX_RETRY_AFTER_S) * 1000;
    if (effective === 0 && entry.failures > 0) {
      const cap = maxMs + Math.random() * maxMs;
      nextDelay = Math.min(cap, entry.failures === 1 ? initialMs : entry.delayMs * factor);
      effective = nextDelay;
    }
    if (now + effective > entry.expiresAt) {
      this.#record({ ...attempt, next: 'dropped' });
      this.#options.logger.warn({ update_id: entry.update.update_id, attempt: entry.attempts, error: message },
        'webhook delivery failed; update dropped: it expires before the next try');
      this.dropped.push(entry.update);
      this.#remove(entry, 'dropped');
      return;
    }
    this.#record({ ...attempt, next: { retryInMs: effective } });
    this.#options.logger.warn({ update_id: entry.update.update_id, attempt: entry.attempts, error: message, retry_in_ms: effective },
      'webhook delivery failed; will redeliver');
    entry.delayMs = nextDelay;
    entry.failures++;
    entry.wakeupAt = now + effective;
    entry.state = 'backoff';
    entry.timer = this.#clock.setTimer(() => {
      entry.state = 'ready';
      entry.timer = undefined;
      this.#pump();
    }, effective);
  }

  /**
   * A 2xx answer may carry one method call: parsed only from a JSON or form body
   * (HttpReader.cpp:152-157), and never a get*, setWebhook, deleteWebhook, close or logOut.
   */
  #runWebhookReply(response: WebhookResponse): void {
    const body = response.body;
    if (body.trim() === '') return;
    const contentType = String(response.headers['content-type'] ?? '').toLowerCase();
    let payload: Record<string, unknown> | undefined;
    if (contentType.startsWith('application/json')) {
      try {
        const parsed = JSON.parse(body) as unknown;
        if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) payload = parsed as Record<string, unknown>;
      } catch {
        // Bad JSON is ignored, as the server's reader ignores it.
      }
    } else if (contentType.startsWith('application/x-www-form-urlencoded')) {
      payload = Object.fromEntries(new URLSearchParams(body));
    }
    const method = payload?.method;
    if (payload === undefined || typeof method !== 'string' || method === '') return;
    if (NOT_RUN_FROM_REPLY.test(method.toLowerCase())) return;
    this.#options.onWebhookReply(payload);
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
    // Updates past their expiry are gone for getUpdates too.
    const now = this.#clock.now();
    for (const entry of [...this.#pending]) {
      if (entry.expiresAt < now) {
        this.dropped.push(entry.update);
        this.#remove(entry, 'dropped');
      }
    }
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
    poller.timer.cancel();
    poller.resolve(updates);
  }

  #rejectPoller(error: TelegramApiError): void {
    const poller = this.#poller;
    if (poller === undefined) return;
    this.#poller = undefined;
    poller.timer.cancel();
    poller.reject(error);
  }

  #remove(entry: Entry, outcome: DeliveryOutcome): void {
    const index = this.#pending.indexOf(entry);
    if (index === -1) return;
    this.#pending.splice(index, 1);
    entry.timer?.cancel();
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

/** The webhook's Retry-After header in seconds (0 when absent or not a number), as HttpQuery::get_retry_after reads it. */
function retryAfterOf(response: WebhookResponse): number {
  const value = Number.parseInt(String(response.headers['retry-after'] ?? ''), 10);
  return Number.isFinite(value) && value > 0 ? value : 0;
}

function describeNetworkError(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ECONNREFUSED') return 'Connection refused';
  if (error instanceof WebhookTimeoutError) return 'Read timeout expired';
  return error instanceof Error ? error.message : String(error);
}
