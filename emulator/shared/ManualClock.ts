import type { ClockTimer, EmulatorClock } from './EmulatorClock.js';

interface PendingTimer {
  at: number;
  order: number;
  callback: () => void;
}

/**
 * A clock that moves only when told, for emulators' `clock` option: containers that stay
 * IN_PROGRESS "for a while", 24-hour quotas and expiries, 4-hour Dropbox tokens and links,
 * Telegram's redelivery backoff and 150 s query expiry can then be tested without waiting.
 * Its timers fire when {@link advance} passes their deadline, in deadline order.
 *
 * @example
 * const clock = new ManualClock();
 * const instagram = await InstagramEmulator.start({ clock: clock.now });
 * const telegram = await TelegramEmulator.start({ clock }); // timers follow it too
 * clock.advance(24 * 60 * 60 * 1000); // a day later
 */
export class ManualClock implements EmulatorClock {
  #ms: number;
  #order = 0;
  readonly #timers = new Set<PendingTimer>();

  /** @param startMs the first reading, in ms since the epoch. @default Date.now() at construction */
  constructor(startMs: number = Date.now()) {
    this.#ms = startMs;
  }

  /** The current time in ms; a bound function, so it can be passed as `clock` directly. */
  readonly now = (): number => this.#ms;

  /** A timer that fires when the clock is advanced `ms` or more from now (at once for 0, on the next advance). */
  readonly setTimer = (callback: () => void, ms: number): ClockTimer => {
    const timer: PendingTimer = { at: this.#ms + Math.max(0, ms), order: this.#order++, callback };
    this.#timers.add(timer);
    // A zero delay runs on the next turn, as setTimeout(…, 0) would, without waiting for an advance.
    if (ms <= 0) queueMicrotask(() => this.#fire(timer));
    return { cancel: () => this.#timers.delete(timer) };
  };

  /** Timers not yet fired. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /**
   * Moves the clock forward by `ms` (never backward: real clocks used for expiry do not),
   * firing every timer due on the way, each with the clock set to its deadline.
   */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} is not a non-negative number of ms`);
    const target = this.#ms + ms;
    for (;;) {
      const due = [...this.#timers].filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.order - b.order)[0];
      if (due === undefined) break;
      this.#ms = Math.max(this.#ms, due.at);
      this.#fire(due);
    }
    this.#ms = target;
  }

  #fire(timer: PendingTimer): void {
    if (!this.#timers.delete(timer)) return;
    timer.callback();
  }
}
