/**
 * A rendered message as plain text, for the places Telegram shows text without parsing it
 * (button-press toasts, command descriptions): drops tags and undoes `escapeHtml`.
 */
export function htmlToText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}
