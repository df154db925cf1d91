/**
 * A `waitFor…` or `idle()` of the emulator gave up. Carries what was awaited and what was seen
 * instead, so a failing test says why without re-running it with logs.
 */
export class EmulatorTimeoutError extends Error {
  /** What the caller waited for, e.g. `call to sendMessage`. */
  readonly awaited: string;
  readonly timeoutMs: number;
  /** What happened meanwhile (methods called, messages sent, pending update ids). */
  readonly seen: readonly string[];

  constructor(awaited: string, timeoutMs: number, seen: readonly string[]) {
    super(`Timed out after ${timeoutMs} ms waiting for ${awaited}; seen: ${seen.length === 0 ? 'nothing' : seen.join(', ')}`);
    this.name = 'EmulatorTimeoutError';
    this.awaited = awaited;
    this.timeoutMs = timeoutMs;
    this.seen = seen;
  }
}
