import { HttpError, type Transformer } from 'grammy';

/** Options for {@link retryApiCalls}; the defaults suit production. */
export interface ApiRetryOptions {
  /** Retries per call, for 429, 5xx and network errors together. Default 3. */
  maxRetries?: number;
  /**
   * Longest `retry_after` worth waiting for inside a job. Default 60 s. A longer flood wait
   * fails the call, and the job's own backoff takes over instead of holding a worker slot.
   */
  maxRetryAfterSeconds?: number;
  /** First delay after a 5xx or network error, doubled each time. Default 1000 ms. */
  baseDelayMs?: number;
}

/** grammY types its signal with the abort-controller polyfill's type; only these members are used. */
interface Abortable { aborted: boolean; addEventListener(type: 'abort', listener: () => void): void }

const pause = (ms: number, signal?: Abortable) => new Promise<void>((resolve, reject) => {
  const timer = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted while waiting to retry')); });
});

/**
 * A grammY API transformer that retries Bot API calls: on 429 after Telegram's `retry_after`,
 * on 5xx and network errors with exponential backoff, at most `maxRetries` times in all.
 *
 * Why not @grammyjs/auto-retry: it retries network errors without limit (a Telegram outage
 * would pin every worker slot for hours) and its 5xx backoff starts at a fixed 3 s.
 */
export function retryApiCalls(options: ApiRetryOptions = {}): Transformer {
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  return async (prev, method, payload, signal) => {
    for (let retry = 0; ; retry++) {
      const canRetry = retry < maxRetries;
      const backoffMs = baseDelayMs * 2 ** retry;
      let res;
      try {
        res = await prev(method, payload, signal);
      } catch (err) {
        if (err instanceof HttpError && canRetry && !signal?.aborted) {
          await pause(backoffMs, signal);
          continue;
        }
        throw err;
      }
      if (res.ok || !canRetry) return res;
      const retryAfter = res.parameters?.retry_after;
      if (res.error_code === 429 && typeof retryAfter === 'number' && retryAfter <= maxRetryAfter) {
        await pause(retryAfter * 1000, signal);
        continue;
      }
      if (res.error_code >= 500) {
        await pause(backoffMs, signal);
        continue;
      }
      return res;
    }
  };
}
