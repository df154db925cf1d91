import { HttpError, InputFile, type Transformer } from 'grammy';

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
  /**
   * Deadline of one attempt of a call without a file upload. Default 5000 ms: Telegram answers
   * in well under a second, and a peer that stops answering must cost a worker slot seconds,
   * not grammY's default 500 s. A missed deadline is a network error (retried like one).
   */
  timeoutMs?: number;
  /** Deadline of one attempt of a call that uploads a file (`InputFile`). Default 60,000 ms. */
  uploadTimeoutMs?: number;
}

/** grammY types its signal with the abort-controller polyfill's type; only these members are used. */
interface Abortable {
  aborted: boolean;
  addEventListener(type: 'abort', listener: () => void): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/** Waits `ms`, or rejects when `signal` aborts; the abort listener is removed either way. */
const pause = (ms: number, signal?: Abortable) => new Promise<void>((resolve, reject) => {
  if (signal?.aborted) return reject(new Error('aborted while waiting to retry'));
  const onAbort = () => { clearTimeout(timer); reject(new Error('aborted while waiting to retry')); };
  const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
  signal?.addEventListener('abort', onAbort);
});

/** Whether grammY will send this payload as multipart (it holds a file to upload). */
function uploadsFile(payload: unknown, depth = 0): boolean {
  if (payload instanceof InputFile) return true;
  if (depth > 4 || typeof payload !== 'object' || payload === null) return false;
  return Object.values(payload).some((v) => uploadsFile(v, depth + 1));
}

/**
 * A signal that aborts when `outer` does or after `ms`, and a `done()` that clears the timer
 * and the listener. grammY turns an aborted fetch into an `HttpError`, so a missed deadline
 * surfaces as the network error it is.
 */
function deadline(ms: number, outer: Abortable | undefined) {
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  outer?.addEventListener('abort', onAbort);
  if (outer?.aborted) controller.abort();
  const timer = setTimeout(() => controller.abort(new Error(`no answer within ${ms} ms`)), ms);
  return {
    signal: controller.signal,
    done() { clearTimeout(timer); outer?.removeEventListener('abort', onAbort); },
  };
}

/**
 * A grammY API transformer that gives every Bot API call a deadline and retries it: on 429
 * after Telegram's `retry_after`, on 5xx and network errors (a missed deadline included) with
 * exponential backoff, at most `maxRetries` times in all.
 *
 * Why not @grammyjs/auto-retry: it retries network errors without limit (a Telegram outage
 * would pin every worker slot for hours) and its 5xx backoff starts at a fixed 3 s.
 *
 * The trade-off of the deadline: a call Telegram carried out but answered later than the
 * deadline is retried, like any call whose answer was lost to the network, and a message can
 * then arrive twice. Never-twice sends bracket the call with records (see broadcasts).
 */
export function retryApiCalls(options: ApiRetryOptions = {}): Transformer {
  const maxRetries = options.maxRetries ?? 3;
  const maxRetryAfter = options.maxRetryAfterSeconds ?? 60;
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const timeoutMs = options.timeoutMs ?? 5000;
  const uploadTimeoutMs = options.uploadTimeoutMs ?? 60_000;
  return async (prev, method, payload, signal) => {
    const limitMs = uploadsFile(payload) ? uploadTimeoutMs : timeoutMs;
    for (let retry = 0; ; retry++) {
      const canRetry = retry < maxRetries;
      const backoffMs = baseDelayMs * 2 ** retry;
      let res;
      const attempt = deadline(limitMs, signal);
      try {
        res = await prev(method, payload, attempt.signal as unknown as typeof signal);
      } catch (err) {
        if (err instanceof HttpError && canRetry && !signal?.aborted) {
          await pause(backoffMs, signal);
          continue;
        }
        throw err;
      } finally {
        attempt.done();
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
