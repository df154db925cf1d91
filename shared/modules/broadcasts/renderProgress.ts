import { InlineKeyboard } from 'grammy';
import type { Translator } from '../../i18n/createTranslator.js';
import type { BroadcastProgress } from './broadcastProgress.js';
import { failureReasonKey } from './failureReasons.js';

/** "12 groups" or "12 users". */
export function renderRecipients(t: Translator, audience: 'groups' | 'users', count: number): string {
  return t(audience === 'groups' ? 'recipients_groups' : 'recipients_users', { count });
}

/** The progress message while a broadcast runs, with its Stop button. */
export function renderProgress(t: Translator, p: BroadcastProgress, messagesPerSecond: number): { text: string; keyboard: InlineKeyboard } {
  const remaining = p.pending + p.sending;
  const etaSeconds = Math.ceil(remaining / messagesPerSecond);
  const text = t('broadcast_progress', {
    id: p.id, recipients: renderRecipients(t, p.audience, p.total),
    sent: p.sent, failed: p.failed + p.unknown, remaining,
    eta: etaSeconds >= 120 ? t('minutes', { count: Math.ceil(etaSeconds / 60) }) : t('seconds', { count: etaSeconds }),
  });
  return { text, keyboard: new InlineKeyboard().text(t('broadcast_stop'), `bc:stop:${p.id}`) };
}

/** The final report: what was sent, failures grouped by reason, outcomes unknown, groups deactivated. */
export function renderReport(t: Translator, p: BroadcastProgress): string {
  const lines = [p.state === 'cancelled'
    ? t('broadcast_report_cancelled', { id: p.id, sent: p.sent, total: p.total, cancelled: p.cancelled })
    : t('broadcast_report', { id: p.id, sent: p.sent, total: p.total })];
  if (p.failed > 0) {
    lines.push(t('broadcast_report_failed', { count: p.failed }));
    for (const [reason, count] of Object.entries(p.failures).sort((a, b) => b[1] - a[1])) {
      lines.push(t('broadcast_report_reason', { reason: t(failureReasonKey(reason)), count }));
    }
  }
  if (p.unknown > 0) lines.push(t('broadcast_report_unknown', { count: p.unknown }));
  const deactivated = ['bot_kicked', 'not_member', 'chat_not_found', 'chat_deleted'].reduce((sum, r) => sum + (p.failures[r] ?? 0), 0);
  if (p.audience === 'groups' && deactivated > 0) lines.push(t('broadcast_report_deactivated', { count: deactivated }));
  return lines.join('\n');
}
