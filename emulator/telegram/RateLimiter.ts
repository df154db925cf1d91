import { tooManyRequests } from './apiErrors.js';
import type { ChatType } from './World.js';

/** At most `limit` messages in any `windowMs` window. */
export interface RateLimit {
  limit: number;
  windowMs: number;
}

/** The limits enforced with `enforceLimits: true`; each can be overridden. */
export interface RateLimits {
  /** All chats together. Telegram: "no more than 30 messages per second". @default 30 per 1000 ms */
  global: RateLimit;
  /** One group, supergroup or channel. Telegram: "no more than 20 messages per minute". @default 20 per 60000 ms */
  group: RateLimit;
  /**
   * One private chat. Telegram asks for about one message per second and tolerates short
   * bursts; a window of five per five seconds models both. @default 5 per 5000 ms
   */
  privateChat: RateLimit;
}

/** Telegram's documented broadcast limits (core.telegram.org/bots/faq#broadcasting-to-users). */
export const defaultRateLimits: RateLimits = {
  global: { limit: 30, windowMs: 1000 },
  group: { limit: 20, windowMs: 60_000 },
  privateChat: { limit: 5, windowMs: 5000 },
};

/**
 * Sliding-window counters for messages the bot sends. `check` throws Telegram's 429 with the
 * seconds until the oldest message in the full window expires, which is when a retry succeeds.
 */
export class RateLimiter {
  readonly #limits: RateLimits;
  readonly #clock: () => number;
  readonly #sent = new Map<string, number[]>();

  constructor(limits: Partial<RateLimits>, clock: () => number) {
    this.#limits = { ...defaultRateLimits, ...limits };
    this.#clock = clock;
  }

  /** Throws 429 if one more message to this chat would exceed a limit; otherwise records it. */
  check(chatId: number, chatType: ChatType): void {
    const now = this.#clock();
    const chatLimit = chatType === 'private' ? this.#limits.privateChat : this.#limits.group;
    const windows: Array<[string, RateLimit]> = [['global', this.#limits.global], [`chat:${chatId}`, chatLimit]];
    let waitMs = 0;
    for (const [key, limit] of windows) {
      const recent = (this.#sent.get(key) ?? []).filter((at) => at > now - limit.windowMs);
      this.#sent.set(key, recent);
      const oldest = recent[recent.length - limit.limit];
      if (recent.length >= limit.limit && oldest !== undefined) waitMs = Math.max(waitMs, oldest + limit.windowMs - now);
    }
    if (waitMs > 0) throw tooManyRequests(Math.max(1, Math.ceil(waitMs / 1000)));
    for (const [key] of windows) this.#sent.get(key)?.push(now);
  }
}
