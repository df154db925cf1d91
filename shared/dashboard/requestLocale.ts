import type { Locale } from '../i18n/catalogs.js';

/**
 * The languages the dashboard's own pages are written in: the bot's (shared/i18n/catalogs.ts).
 * A list of its own rather than the bot's `locales`, whose module loads every bot catalog into
 * the dashboard's function; `satisfies` keeps it to the bot's languages.
 */
export const DASHBOARD_LOCALES = ['en', 'ru'] as const satisfies readonly Locale[];

/**
 * The language of a page shown before anyone has signed in, when there is no admin whose
 * language the bot knows: the browser's preference (`Accept-Language`, RFC 9110 §12.5.4), the
 * first of its languages by weight that the dashboard is written in, matched by primary subtag
 * (`ru-RU` is `ru`). English when it names none of them, or the header is missing or malformed.
 */
export function requestLocale(acceptLanguage: string | readonly string[] | undefined): Locale {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : (acceptLanguage as string | undefined) ?? '';
  const ranges = header.split(',').map((part, order) => {
    const [range = '', ...params] = part.trim().split(';');
    const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
    return { tag: range.trim().split('-')[0]!.toLowerCase(), weight: q === undefined ? 1 : Number(q), order };
  }).filter((r) => r.tag && r.weight > 0);
  // Highest weight first; among equal weights, the order the browser wrote them in.
  ranges.sort((a, b) => b.weight - a.weight || a.order - b.order);
  for (const { tag } of ranges) {
    const match = DASHBOARD_LOCALES.find((l) => l === tag);
    if (match) return match;
  }
  return 'en';
}
