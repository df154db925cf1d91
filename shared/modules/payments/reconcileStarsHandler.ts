import type { Api } from 'grammy';
import { createTranslator } from '../../i18n/createTranslator.js';
import { jobHandler } from '../../queue/jobHandler.js';
import { reconcileStars } from './reconcileStars.js';
import { reconcileStarsJob } from './reconcileStarsJob.js';

/** Runs the reconciliation and tells the admins what it settled (nothing when all matched). */
export function reconcileStarsHandler(deps: { api: Api; adminTelegramIds: readonly number[] }) {
  return jobHandler(reconcileStarsJob, async (_p, ctx) => {
    const result = await reconcileStars({ api: deps.api, sql: ctx.sql, log: ctx.log });
    ctx.log.info({ granted: result.granted.length, refunded: result.refunded.length, unknown: result.unknown.length, recorded: result.recorded.length,
      pages: result.offsets.length, from_offset: result.offsets[0] }, 'stars reconciled');
    if (!result.granted.length && !result.refunded.length && !result.unknown.length && !result.recorded.length) return;
    const rows = await ctx.sql<{ id: number }[]>`select id from users where is_admin`;
    const admins = [...new Set([...deps.adminTelegramIds, ...rows.map((r) => Number(r.id))])];
    const t = createTranslator('en');
    const details = [
      ...result.granted.map((id) => `+ ${id}`), ...result.refunded.map((id) => `↩ ${id}`), ...result.unknown.map((id) => `? ${id}`),
      ...result.recorded.map((r) => `= ${r.chargeId} (${t(`reconcile_late_${r.reason}`)})`),
    ].join('\n');
    const text = t('reconcile_report', { granted: result.granted.length, refunded: result.refunded.length, recorded: result.recorded.length, details });
    for (const admin of admins) {
      try {
        await deps.api.sendMessage(admin, text, { parse_mode: 'HTML' });
      } catch (err) {
        ctx.log.warn({ err, admin }, 'could not send the reconciliation report');
      }
    }
  });
}
