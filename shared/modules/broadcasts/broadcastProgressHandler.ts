import { type Api, GrammyError } from 'grammy';
import type { BotSettings } from '../../bot/botSettings.js';
import { markReported, readBroadcastProgress } from './broadcastProgress.js';
import { renderProgress, renderReport } from './renderProgress.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { broadcastProgressJob } from './broadcastProgressJob.js';
import { enqueue } from '../../queue/enqueue.js';
import { jobHandler } from '../../queue/jobHandler.js';

// editMessageText is rate limited too; every 2 s is live enough for a person watching.
const EDIT_EVERY_MS = 2000;

/**
 * Keeps the admin's progress message current while the broadcast runs, and once no delivery
 * is pending or in flight sends the final report (exactly once, see markReported).
 */
export function broadcastProgressHandler(deps: { api: Api; settings: BotSettings }) {
  return jobHandler(broadcastProgressJob, async ({ broadcastId, tick }, ctx) => {
    const p = await readBroadcastProgress(ctx.sql, broadcastId);
    if (!p || p.reported || p.state === 'draft') return;
    const t = createTranslator(pickLocale(p.adminLocale, undefined));
    const settled = p.pending + p.sending === 0;

    if (settled && (await markReported(ctx.sql, broadcastId))) {
      const final = await readBroadcastProgress(ctx.sql, broadcastId);
      if (p.progressMessageId !== null) await edit(deps.api, p.adminChatId, p.progressMessageId, renderProgress(t, final!, deps.settings.broadcast.messagesPerSecond).text);
      await deps.api.sendMessage(p.adminChatId, renderReport(t, final!), { parse_mode: 'HTML' });
      await ctx.sql`delete from send_slots where key like 'chat:%' and next_at < now() - interval '1 minute'`;
      return void ctx.log.info({ sent: final!.sent, failed: final!.failed, unknown: final!.unknown }, 'broadcast reported');
    }
    if (settled) return;
    if (p.progressMessageId !== null) {
      const { text, keyboard } = renderProgress(t, p, deps.settings.broadcast.messagesPerSecond);
      await edit(deps.api, p.adminChatId, p.progressMessageId, text, keyboard);
    }
    await enqueue(ctx.sql, broadcastProgressJob, { broadcastId, tick: tick + 1 }, {
      runAt: new Date(Date.now() + EDIT_EVERY_MS), dedupeKey: `broadcast_progress:${broadcastId}:${tick + 1}`,
    });
  });
}

/** Edits the progress message; "message is not modified" (nothing changed) is fine. */
async function edit(api: Api, chatId: number, messageId: number, text: string, keyboard?: Parameters<Api['editMessageText']>[3] extends infer O ? O extends { reply_markup?: infer K } ? K : never : never) {
  try {
    await api.editMessageText(chatId, messageId, text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) });
  } catch (err) {
    if (!(err instanceof GrammyError && /message is not modified/.test(err.description))) throw err;
  }
}
