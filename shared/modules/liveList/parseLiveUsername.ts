/**
 * An Instagram username from what a user typed, lowercased, or `null` if Instagram would not
 * allow it. Accepts `natgeo`, `@natgeo` and profile links (`instagram.com/natgeo/`), since
 * users paste all three.
 *
 * Instagram's rule: 1 to 30 letters, digits, periods and underscores; a period may not start
 * or end the name, nor follow another period.
 */
export function parseLiveUsername(input: string): string | null {
  let text = input.trim();
  const link = /^(?:https?:\/\/)?(?:www\.)?instagram\.com\/([^/?#]+)\/?(?:[?#].*)?$/i.exec(text);
  if (link) text = link[1]!;
  if (text.startsWith('@')) text = text.slice(1);
  if (!/^[A-Za-z0-9._]{1,30}$/.test(text)) return null;
  if (text.startsWith('.') || text.endsWith('.') || text.includes('..')) return null;
  return text.toLowerCase();
}
