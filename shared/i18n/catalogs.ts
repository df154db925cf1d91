import enAdmin from '../../locales/en/admin.json' with { type: 'json' };
import enMain from '../../locales/en/messages.json' with { type: 'json' };
import enPayments from '../../locales/en/payments.json' with { type: 'json' };
import ruAdmin from '../../locales/ru/admin.json' with { type: 'json' };
import ruMain from '../../locales/ru/messages.json' with { type: 'json' };
import ruPayments from '../../locales/ru/payments.json' with { type: 'json' };
import enSettings from '../../locales/en/settings.json' with { type: 'json' };
import ruSettings from '../../locales/ru/settings.json' with { type: 'json' };
import enBulk from '../../locales/en/bulk.json' with { type: 'json' };
import ruBulk from '../../locales/ru/bulk.json' with { type: 'json' };

// A language's messages, from its files in `locales/<locale>/`: `messages.json`, and one file
// per area that keeps many messages of its own (`admin.json`: the operators' commands and bans;
// `payments.json`: Stars, invoices, refunds; `settings.json`: the /settings screens of InstaPost; `bulk.json`: InstaPost's /bulk),
// so that areas worked on at once do not all append to one file. Keys are unique across files.
const en = { ...enMain, ...enAdmin, ...enPayments, ...enSettings, ...enBulk };
const ru = { ...ruMain, ...ruAdmin, ...ruPayments, ...ruSettings, ...ruBulk };

/** A message's plural forms, by CLDR category (Russian uses one, few, many and other). */
export type PluralForms = Partial<Record<Intl.LDMLPluralRule, string>>;

/** One language's messages. Values are HTML for Telegram's `parse_mode: 'HTML'`. */
export type Catalog = Partial<Record<string, string | PluralForms>>;

/** The languages the bot speaks. English is the source language and the fallback. */
export const locales = ['en', 'ru'] as const;
export type Locale = (typeof locales)[number];

/** A message's name. English defines the set; `test/dm/locales.test.ts` holds Russian to it. */
export type MessageKey = keyof typeof en;

/** Every language's messages, from `locales/<locale>/*.json`. */
export const catalogs: Record<Locale, Catalog> = { en, ru };
