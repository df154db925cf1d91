import type { Locale } from '../i18n/catalogs.js';
import { dashboardText as t } from './dashboardTexts.js';
import { renderRefusal } from './renderPages.js';

/**
 * The page of a sign-in refused by the limit (429): when to try again, in whole minutes, in
 * `locale` (the browser's language, requestLocale.ts: nobody is signed in yet).
 */
export function renderSignInLimited(locale: Locale, minutes: number): string {
  return renderRefusal(locale, t(locale, 'limited.title'), t(locale, 'limited.text', { minutes: t(locale, 'limited.minutes', { n: minutes }) }));
}
