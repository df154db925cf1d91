import { type Api, GrammyError, type InlineKeyboard } from 'grammy';
import type { BotSettings } from '../../bot/botSettings.js';
import { type BroadcastProgress, claimReport, finishReport, readBroadcastProgress, releaseReport } from './broadcastProgress.js';
import { classifySendError } from './classifySendError.js';
import { renderProgress, renderReport } from './renderProgress.js';
import { settleDeadDeliveries } from './settleDeadDeliveries.js';
import { createTranslator, type Translator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { broadcastProgressJob } from './broadcastProgressJob.js';
import { enqueue } from '../../queue/enqueue.js';
import { jobHandler, type JobContext } from '../../queue/jobHandler.js';

// editMessageText is rate limited too; every 2 s is live enough for a person watching.
const EDIT_EVERY_MS = 2000;
// No delivery settled for this long: the rest is given up (failed, or unknown if in flight).
// Longer than anything a live send waits for: its retries' backoff (seconds at 5 attempts) or
// a 429's retry_after (which Telegram keeps to minutes even for floods).
const GIVE_UP_AFTER_MS = 3_600_000;

/**
 * Keeps the admin's progress message current while the broadcast runs, and once no delivery
 * is pending or in flight sends the final report, bracketed like every send: claimed
 * (`report_state = 'sending'`, committed) before the call, `sent` after. A refusal from
 * Telegram gives the claim back and the retry sends it; a run that finds the report claimed by
 * one that died mid-call records it `unknown` rather than send it twice.
 *
 * While deliveries remain, a run whose count did not move since the previous one settles those
 * whose send job is dead (settleDeadDeliveries), and after an hour without movement all of
 * them, so the chain always ends.
 */
export function broadcastProgressHandler(deps: { api: Api; settings: BotSettings }) {
  return jobHandler(broadcastProgressJob, async ({ broadcastId, tick, remaining, stalledSince }, ctx) => {
    let p = await readBroadcastProgress(ctx.sql, broadcastId);
    if (!p || p.reported || p.state === 'draft') return;
    const t = createTranslator(pickLocale(p.adminLocale, undefined));
    if (p.reportState === 'sending') {
      await finishReport(ctx.sql, broadcastId, 'unknown');
      return void ctx.log.warn('a run died while sending the broadcast report: not sent again');
    }

    let unsettled = p.pending + p.sending;
    const now = Date.now();
    const stalled = unsettled > 0 && unsettled === remaining;
    const since = stalled ? (stalledSince ?? now) : undefined;
    if (stalled) {
      const giveUp = now - since! >= GIVE_UP_AFTER_MS;
      const settled = await settleDeadDeliveries(ctx.sql, broadcastId, { giveUp });
      if (settled > 0) {
        ctx.log.warn({ settled, gave_up: giveUp }, giveUp ? 'broadcast stalled: unsettled deliveries given up' : 'deliveries whose send job died settled');
        p = (await readBroadcastProgress(ctx.sql, broadcastId))!;
        unsettled = p.pending + p.sending;
      }
    }

    if (unsettled === 0) return report(deps, ctx, t, p);
    if (p.progressMessageId !== null) {
      const { text, keyboard } = renderProgress(t, p, deps.settings.broadcast.messagesPerSecond);
      await edit(deps.api, ctx, p.adminChatId, p.progressMessageId, text, keyboard);
    }
    await enqueue(ctx.sql, broadcastProgressJob, { broadcastId, tick: tick + 1, remaining: unsettled, ...(since === undefined ? {} : { stalledSince: since }) }, {
      runAt: new Date(Date.now() + EDIT_EVERY_MS), dedupeKey: `broadcast_progress:${broadcastId}:${tick + 1}`,
    });
  });
}

/** The final edit and the report, once: claimed before the send, finished after it. */
async function report(deps: { api: Api; settings: BotSettings }, ctx: JobContext, t: Translator, p: BroadcastProgress): Promise<void> {
  if (!(await claimReport(ctx.sql, p.id))) return;
  const final = (await readBroadcastProgress(ctx.sql, p.id))!;
  if (p.progressMessageId !== null) await edit(deps.api, ctx, p.adminChatId, p.progressMessageId, renderProgress(t, final, deps.settings.broadcast.messagesPerSecond).text);
  try {
    await deps.api.sendMessage(p.adminChatId, renderReport(t, final), { parse_mode: 'HTML' });
  } catch (err) {
    // An answer from Telegram means nothing was delivered; anything else may have reached the
    // admin, and the claim stays for the next run to see.
    if (classifySendError(err).kind !== 'ambiguous') await releaseReport(ctx.sql, p.id);
    throw err;
  }
  await finishReport(ctx.sql, p.id, 'sent');
  await ctx.sql`delete from send_slots where key like 'chat:%' and next_at < now() - interval '1 minute'`;
  ctx.log.info({ sent: final.sent, failed: final.failed, unknown: final.unknown }, 'broadcast reported');
}

/**
 * Edits the progress message, best effort: it only shows the numbers, and a failure (the admin
 * deleted it, a 429, a 5xx) must not stop the chain or the report. The next run edits again.
 */
async function edit(api: Api, ctx: JobContext, chatId: number, messageId: number, text: string, keyboard?: InlineKeyboard) {
  try {
    await api.editMessageText(chatId, messageId, text, { parse_mode: 'HTML', ...(keyboard ? { reply_markup: keyboard } : {}) });
  } catch (err) {
    if (err instanceof GrammyError && /message is not modified/.test(err.description)) return;
    ctx.log.warn({ err }, 'could not edit the broadcast progress message');
  }
}
