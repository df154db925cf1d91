/** Retry delay settings. */
export interface BackoffOptions {
  /** Delay before the second attempt, before jitter. Default 1000 ms. */
  baseMs?: number;
  /** Upper bound. Default one hour. */
  maxMs?: number;
}

/**
 * Exponential backoff with jitter: base * 2^(attempt-1), capped, then scaled by a random
 * factor in [0.5, 1) so that jobs that failed together (an outage) do not retry in lockstep.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}, random = Math.random): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 3_600_000;
  const exp = Math.min(max, base * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}
