import type { Transformer } from 'grammy';
import type { MetricTally } from './MetricTally.js';
import { Metric } from './metricNames.js';
import { telegramSendMethods } from './telegramSendMethods.js';

/**
 * A grammY API transformer counting each message Telegram accepted (`telegram_send`, by method)
 * into the worker's tally, which the next completion or failure statement writes. Counted once
 * per call that succeeded, however many attempts it took; a send whose answer was lost is not
 * counted (nobody knows whether it went out).
 */
export function countTelegramSends(tally: MetricTally): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (res.ok && telegramSendMethods.has(method)) tally.add(Metric.telegramSend, method);
    return res;
  };
}
