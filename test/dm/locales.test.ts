import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type Catalog, catalogs, locales } from '../../shared/i18n/catalogs.js';
import { createTranslator } from '../../shared/i18n/createTranslator.js';
import { pickLocale } from '../../shared/i18n/pickLocale.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
const tags = (text: string) => [...text.matchAll(/<\/?(\w+)/g)].map((m) => m[0]).sort();

describe('locale files', () => {
  for (const locale of locales.filter((l) => l !== 'en')) {
    test(`${locale} translates every English message, with the same placeholders and HTML tags`, () => {
      const problems: string[] = [];
      for (const [key, english] of Object.entries(catalogs.en)) {
        const own = catalogs[locale][key];
        if (own === undefined) { problems.push(`${key}: missing`); continue; }
        if (typeof english !== typeof own) { problems.push(`${key}: plural in one language only`); continue; }
        const englishText = typeof english === 'string' ? english : english!.other!;
        const forms = typeof own === 'string' ? [own] : Object.values(own);
        for (const form of forms) {
          if (placeholders(form!).join() !== placeholders(englishText).join()) problems.push(`${key}: placeholders ${placeholders(form!).join()} ≠ ${placeholders(englishText).join()}`);
          if (tags(form!).join() !== tags(englishText).join()) problems.push(`${key}: HTML tags differ from English`);
        }
      }
      for (const key of Object.keys(catalogs[locale])) if (!(key in catalogs.en)) problems.push(`${key}: not an English message`);
      assert.deepEqual(problems, []);
    });
  }

  for (const locale of locales) {
    test(`${locale} plurals have every form the language's plural rules use`, () => {
      const categories = new Intl.PluralRules(locale).resolvedOptions().pluralCategories;
      const problems: string[] = [];
      for (const [key, entry] of Object.entries(catalogs[locale])) {
        if (typeof entry === 'string') continue;
        for (const category of categories) if (entry?.[category] === undefined) problems.push(`${key}.${category}`);
      }
      assert.deepEqual(problems, []);
    });
  }
});

describe('translating', () => {
  test('Russian points take the right plural form: 1 балл, 2 балла, 5 баллов, 21 балл, 11 баллов', () => {
    const t = createTranslator('ru');
    assert.deepEqual([1, 2, 5, 21, 11, 0].map((count) => t('points', { count })), ['1 балл', '2 балла', '5 баллов', '21 балл', '11 баллов', '0 баллов']);
  });

  test('English points: 1 point, 2 points', () => {
    const t = createTranslator('en');
    assert.deepEqual([1, 2, 0].map((count) => t('points', { count })), ['1 point', '2 points', '0 points']);
  });

  test('a message missing from a translation falls back to English', () => {
    const source: Record<'en' | 'ru', Catalog> = { en: { ...catalogs.en }, ru: { ...catalogs.ru, welcome_back: undefined } };
    const t = createTranslator('ru', source);
    assert.equal(t('welcome_back', { name: 'Ира' }), '👋 Welcome back, Ира! What would you like to do?');
    assert.equal(t('menu_points'), '⭐ Мои баллы');
  });

  test('user input is escaped, so a first name cannot break the HTML', () => {
    assert.equal(createTranslator('en')('welcome_back', { name: '<b>Bob & "Co"</b>' }), '👋 Welcome back, &lt;b&gt;Bob &amp; &quot;Co&quot;&lt;/b&gt;! What would you like to do?');
  });

  test('the language is the one chosen in settings, else Telegram\'s, else English', () => {
    assert.equal(pickLocale('ru', 'en'), 'ru');
    assert.equal(pickLocale(null, 'ru'), 'ru');
    assert.equal(pickLocale(null, 'ru-RU'), 'ru');
    assert.equal(pickLocale(null, 'de'), 'en');
    assert.equal(pickLocale(null, undefined), 'en');
    assert.equal(pickLocale('xx', 'ru'), 'ru');
  });
});
