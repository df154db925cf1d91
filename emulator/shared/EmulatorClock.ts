/** A timer set on an {@link EmulatorClock}; `cancel()` stops it if it has not fired. */
export interface ClockTimer {
  cancel(): void;
}

/**
 * Time as an emulator sees it: the current reading and timers that fire when that reading
 * passes their deadline. {@link systemClock} is the wall clock; a `ManualClock` fires its
 * timers only when advanced, so an emulator's minutes and days pass in a test at once.
 */
export interface EmulatorClock {
  /** The current time in ms since the epoch. */
  now(): number;
  /** Calls `callback` once `ms` have passed on this clock. */
  setTimer(callback: () => void, ms: number): ClockTimer;
}

/** The wall clock: `Date.now` and `setTimeout`. */
export const systemClock: EmulatorClock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, Math.max(0, ms));
    return { cancel: () => clearTimeout(timer) };
  },
};

/**
 * The clock an emulator option names: a clock as is, or a bare reading function (the older
 * form) whose timers run on the wall clock.
 */
export function toEmulatorClock(clock: EmulatorClock | (() => number) | undefined): EmulatorClock {
  if (clock === undefined) return systemClock;
  if (typeof clock === 'function') return { now: clock, setTimer: systemClock.setTimer };
  return clock;
}
