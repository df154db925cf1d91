// The words the page scripts show, in the page's language: the server puts them in the page
// (the JSON block `dashboard-texts`, from shared/dashboard/dashboardTexts.ts), so no catalog is
// kept here. `{name}` is a parameter; a plural text is its CLDR forms, chosen by `n`.
const texts = JSON.parse(document.getElementById('dashboard-texts')?.textContent || '{}');

/** The page's language (its `<html lang>`), for dates and numbers too. */
export const locale = document.documentElement.lang || 'en';

const plurals = new Intl.PluralRules(locale);

/** The text `key` with its parameters; the key itself if the page has no such text. */
export function t(key, params = {}) {
  const text = texts[key] ?? key;
  const form = typeof text === 'string' ? text : text[plurals.select(Number(params.n ?? 0))] ?? text.other;
  return form.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** The text `key`, or `fallback` where the page has none (a value the catalog does not name, e.g. a new job type). */
export const textOr = (key, fallback) => (key in texts ? t(key) : fallback);

/** A number as the reader's language writes it (2,900 or 2 900). */
export const formatNumber = (n) => n.toLocaleString(locale);
