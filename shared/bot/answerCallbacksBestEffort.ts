import type { Transformer } from 'grammy';
import type { Logger } from '../logger.js';

/**
 * A grammY API transformer that never lets `answerCallbackQuery` fail an update. The answer
 * only stops the button's spinner (and may show a toast); Telegram accepts it once, and only
 * within a short window after the press. So a retried update (the first attempt answered, then
 * failed later), or one that waited in a backlog, gets 400 "query is too old and response
 * timeout expired or query ID is invalid" — and the press must still do what it does. Any
 * failure to answer is logged and reported to the caller as answered.
 *
 * Installed after the retrying transformer, so 429s and 5xx are retried first.
 */
export function answerCallbacksBestEffort(log: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    if (method !== 'answerCallbackQuery') return prev(method, payload, signal);
    try {
      const res = await prev(method, payload, signal);
      if (res.ok) return res;
      log.info({ method, error_code: res.error_code, description: res.description }, 'could not answer a button press; going on without');
    } catch (err) {
      log.info({ method, err }, 'could not answer a button press; going on without');
    }
    // answerCallbackQuery's result is `true`; `M` is generic and TypeScript does not narrow it
    // by the comparison above, hence the assertion.
    return { ok: true, result: true as never };
  };
}
