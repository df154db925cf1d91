import type { Locale } from '../i18n/catalogs.js';
import { renderMessage } from './renderPages.js';

/** The 429 page's words, in every language the dashboard is written in (requestLocale.ts). */
const TEXTS: Record<Locale, { title: string; text: (minutes: string) => string; back: string; minutes: Partial<Record<Intl.LDMLPluralRule, string>> }> = {
  en: {
    title: 'Too many sign-in attempts',
    text: (minutes) => `Too many sign-in attempts from your address. Try again in ${minutes}.`,
    back: 'Back to sign-in',
    minutes: { one: 'minute', other: 'minutes' },
  },
  ru: {
    title: 'Слишком много попыток входа',
    text: (minutes) => `Слишком много попыток входа с вашего адреса. Попробуйте снова через ${minutes}.`,
    back: 'Вернуться ко входу',
    minutes: { one: 'минуту', few: 'минуты', many: 'минут', other: 'минуты' },
  },
};

/**
 * The page of a sign-in refused by the limit (429): when to try again, in whole minutes, in
 * `locale` (the browser's language, requestLocale.ts: nobody is signed in yet).
 */
export function renderSignInLimited(locale: Locale, minutes: number): string {
  const texts = TEXTS[locale];
  const unit = texts.minutes[new Intl.PluralRules(locale).select(minutes)] ?? texts.minutes.other!;
  return renderMessage(texts.title, texts.text(`${minutes} ${unit}`), { href: '/admin/sign-in', label: texts.back }, locale);
}
