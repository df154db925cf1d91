import { type Catalog, type Locale, type MessageKey, catalogs } from './catalogs.js';
import { escapeHtml } from './escapeHtml.js';

/** Values for a message's `{placeholders}`. `count` also picks the plural form. */
export type MessageParams = Record<string, string | number>;

/** Renders a message in one language. */
export type Translator = (key: MessageKey, params?: MessageParams) => string;

/** Intl's rules for a language, made once: every update gets a translator, and making them costs more than a reply's formatting. */
const formats = new Map<Locale, { plural: Intl.PluralRules; number: Intl.NumberFormat }>();
function formatFor(locale: Locale) {
  let f = formats.get(locale);
  if (!f) formats.set(locale, (f = { plural: new Intl.PluralRules(locale), number: new Intl.NumberFormat(locale) }));
  return f;
}

/**
 * A translator for `locale`. A message missing from the locale's catalog falls back to English
 * (`test/dm/locales.test.ts` keeps that from happening unnoticed). String parameters are
 * HTML-escaped, since messages are sent with `parse_mode: 'HTML'` and carry user input (first
 * names); numbers are formatted for the locale. A plural message picks its form with
 * `Intl.PluralRules`, which knows Russian's one/few/many (1 балл, 2 балла, 5 баллов).
 */
export function createTranslator(locale: Locale, source: Record<Locale, Catalog> = catalogs): Translator {
  return (key, params = {}) => {
    const own = source[locale][key];
    const used: Locale = own === undefined ? 'en' : locale;
    const entry = own ?? source.en[key];
    if (entry === undefined) return key;
    const { plural, number } = formatFor(used);
    let template: string;
    if (typeof entry === 'string') {
      template = entry;
    } else {
      const count = Number(params.count ?? 0);
      template = entry[plural.select(count)] ?? entry.other ?? key;
    }
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === 'number' ? number.format(value) : escapeHtml(value);
    });
  };
}
