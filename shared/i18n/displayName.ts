/**
 * Telegram allows 64 characters in a first name and 128 in a chat title; a forged update can
 * carry thousands, which would push a reply past Telegram's 4,096-character message limit and
 * have every retry rejected. Names are cut to this many characters for display.
 */
const MAX_DISPLAY_CHARS = 64;

/**
 * A user's or chat's name as shown in a message: at most 64 characters (whole code points, so
 * an emoji is never split), with "…" when it was cut.
 */
export function displayName(name: string, max = MAX_DISPLAY_CHARS): string {
  const chars = [...name];
  return chars.length <= max ? name : `${chars.slice(0, max - 1).join('')}…`;
}
