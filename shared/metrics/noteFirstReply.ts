import type { Transformer } from 'grammy';
import type { JobMetrics } from './JobMetrics.js';
import { telegramReplyMethods } from './telegramSendMethods.js';

/**
 * A grammY API transformer for one update's context (`ctx.api`): notes when the first reply
 * reached the update's private chat (`chatId`), for the reply time the completion records.
 */
export function noteFirstReply(metrics: JobMetrics, chatId: number): Transformer {
  return async (prev, method, payload, signal) => {
    const res = await prev(method, payload, signal);
    if (res.ok && telegramReplyMethods.has(method)) {
      const to = (payload as { chat_id?: unknown }).chat_id;
      if (method === 'answerCallbackQuery' || String(to) === String(chatId)) metrics.noteReply();
    }
    return res;
  };
}
