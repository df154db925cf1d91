import { EmulatorClosedError } from './EmulatorClosedError.js';
import { EmulatorTimeoutError } from './EmulatorTimeoutError.js';

/** How long `waitFor…` helpers wait by default, in ms: long for a local bot, short for a test run. */
export const DEFAULT_WAIT_MS = 5000;

/** Options of a wait. */
export interface WaitOptions {
  /** @default 5000 */
  timeoutMs?: number;
}

/**
 * "Something changed" notifications behind every `waitFor…`: a wait re-evaluates its
 * condition on each change instead of polling, and close() ends all waits at once.
 */
export class ChangeSignal {
  readonly #listeners = new Set<(closed: boolean) => void>();
  #closed = false;

  notify(): void {
    for (const listener of [...this.#listeners]) listener(false);
  }

  close(): void {
    this.#closed = true;
    for (const listener of [...this.#listeners]) listener(true);
    this.#listeners.clear();
  }

  /**
   * Resolves with the first non-undefined value of `check`, evaluated now and after every
   * change; rejects with {@link EmulatorTimeoutError} (listing `seen()`) after `timeoutMs`.
   */
  waitFor<T>(check: () => T | undefined, awaited: string, seen: () => string[], options: WaitOptions = {}): Promise<T> {
    const timeoutMs = options.timeoutMs ?? DEFAULT_WAIT_MS;
    const now = check();
    if (now !== undefined) return Promise.resolve(now);
    if (this.#closed) return Promise.reject(new EmulatorClosedError(awaited));
    return new Promise((resolve, reject) => {
      const listener = (closed: boolean): void => {
        if (closed) {
          finish();
          reject(new EmulatorClosedError(awaited));
          return;
        }
        const value = check();
        if (value !== undefined) {
          finish();
          resolve(value);
        }
      };
      const timer = setTimeout(() => {
        finish();
        reject(new EmulatorTimeoutError(awaited, timeoutMs, seen()));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(listener);
      };
      this.#listeners.add(listener);
    });
  }
}
