import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares the `X-Telegram-Bot-Api-Secret-Token` header with the configured secret in
 * constant time. A plain `===` returns at the first differing character, which lets an
 * attacker who can time responses guess the secret one character at a time. Hashing both
 * first gives `timingSafeEqual` equal lengths without revealing the secret's length.
 */
export function secretMatches(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const a = createHash('sha256').update(received).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
