/**
 * An event that may change what a test waits for: an emitter (a JobRunner, a child's stdout, an
 * HTTP server…) and the name of one of its events.
 */
export type WakeUp = readonly [emitter: EventSource, event: string];

/** The part of an EventEmitter (typed or not) that {@link waitFor} uses. */
export interface EventSource {
  // Method syntax and `any` on purpose: typed emitters (EventEmitter<Events>, Readable's
  // overloads) stand in for it; waitFor's listener ignores the arguments.
  /* eslint-disable @typescript-eslint/no-explicit-any */
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

/** Thrown by {@link waitFor} when the condition did not come true in time; names what was awaited. */
export class WaitTimeoutError extends Error {
  readonly what: string;
  readonly timeoutMs: number;
  constructor(what: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}`);
    this.name = 'WaitTimeoutError';
    this.what = what;
    this.timeoutMs = timeoutMs;
  }
}

type Truthy<T> = Exclude<T, undefined | null | false | 0 | ''>;

/**
 * The one wait of the tests: resolves with the first truthy value of `check`, evaluated now and
 * again after each of the `on` events (never on a timer), so a test waits for what the code
 * did, however slow the machine is. Checks never overlap: an event that comes while an async
 * check runs makes it run once more afterwards, so no change is missed.
 *
 * `timeoutMs` (default 60 000) only stops a test that would otherwise hang; it is generous on
 * purpose and is never what a test asserts.
 */
export function waitFor<T>(what: string, check: () => T | Promise<T>, options: { on: WakeUp | readonly WakeUp[]; timeoutMs?: number }): Promise<Truthy<T>> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const sources = (typeof options.on[1] === 'string' ? [options.on] : options.on) as readonly WakeUp[];
  return new Promise<Truthy<T>>((resolve, reject) => {
    let done = false;
    let checking = false;
    let again = false;
    const finish = (): void => {
      done = true;
      clearTimeout(timer);
      for (const [emitter, event] of sources) emitter.off(event, onEvent);
    };
    const run = async (): Promise<void> => {
      checking = true;
      try {
        do {
          again = false;
          const value = await check();
          if (done) return;
          if (value) { finish(); resolve(value as Truthy<T>); return; }
        } while (again);
      } catch (err) {
        if (!done) { finish(); reject(err as Error); }
      } finally {
        checking = false;
      }
    };
    function onEvent(): void {
      if (done) return;
      if (checking) again = true;
      else void run();
    }
    const timer = setTimeout(() => { if (!done) { finish(); reject(new WaitTimeoutError(what, timeoutMs)); } }, timeoutMs);
    for (const [emitter, event] of sources) emitter.on(event, onEvent);
    void run();
  });
}
