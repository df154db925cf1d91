import type { WebhookInfo } from 'grammy/types';

/** `getWebhookInfo` in words, one fact per line, for `npm run webhook -- info` and `npm run doctor`. */
export function describeWebhookInfo(info: WebhookInfo, now = new Date()): string[] {
  if (!info.url) {
    return [
      'No webhook is set: Telegram holds updates for getUpdates (polling) and sends nothing to the deployment.',
      `Pending updates: ${info.pending_update_count}`,
    ];
  }
  const lines = [`Webhook: ${info.url}`, `Pending updates: ${info.pending_update_count}${info.pending_update_count > 100 ? ' (a backlog: is the webhook answering 200?)' : ''}`];
  if (info.last_error_date) {
    lines.push(`Last error: ${info.last_error_message ?? 'unknown'} (${ago(info.last_error_date, now)}, ${new Date(info.last_error_date * 1000).toISOString()})`);
  } else {
    lines.push('Last error: none');
  }
  if (info.last_synchronization_error_date) lines.push(`Last synchronization error: ${ago(info.last_synchronization_error_date, now)}`);
  lines.push(`Max connections: ${info.max_connections ?? 40}`);
  lines.push(`Allowed updates: ${info.allowed_updates?.length ? info.allowed_updates.join(', ') : 'Telegram\'s default (every type except chat_member, message_reaction and message_reaction_count)'}`);
  if (info.ip_address) lines.push(`IP address Telegram uses: ${info.ip_address}`);
  return lines;
}

function ago(unixSeconds: number, now: Date): string {
  const s = Math.max(0, Math.round(now.getTime() / 1000 - unixSeconds));
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}
