/**
 * A clock that moves only when told, for emulators' `clock` option: containers that stay
 * IN_PROGRESS "for a while", 24-hour quotas and expiries, 4-hour Dropbox tokens and links can
 * then be tested without waiting for them.
 *
 * @example
 * const clock = new ManualClock();
 * const instagram = await InstagramEmulator.start({ clock: clock.now });
 * clock.advance(24 * 60 * 60 * 1000); // a day later
 */
export class ManualClock {
  #ms: number;

  /** @param startMs the first reading, in ms since the epoch. @default Date.now() at construction */
  constructor(startMs: number = Date.now()) {
    this.#ms = startMs;
  }

  /** The current time in ms; a bound function, so it can be passed as `clock` directly. */
  readonly now = (): number => this.#ms;

  /** Moves the clock forward by `ms` (never backward: real clocks used for expiry do not). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`ManualClock.advance: ${ms} is not a non-negative number of ms`);
    this.#ms += ms;
  }
}
