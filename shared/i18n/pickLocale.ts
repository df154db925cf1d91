import { type Locale, locales } from './catalogs.js';

/**
 * The language to speak to a user: the one they chose in /settings, else their Telegram
 * app's language (an IETF tag such as `ru` or `en-GB`), else English.
 */
export function pickLocale(chosen: string | null | undefined, telegramLanguage: string | undefined): Locale {
  for (const tag of [chosen, telegramLanguage?.split('-')[0]?.toLowerCase()]) {
    const match = locales.find((l) => l === tag);
    if (match) return match;
  }
  return 'en';
}
