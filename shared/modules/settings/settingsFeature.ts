import { Composer, InlineKeyboard } from 'grammy';
import { type Locale, catalogs, locales } from '../../i18n/catalogs.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { readChosenLocale } from '../../i18n/readChosenLocale.js';
import { saveChosenLocale } from '../../i18n/saveChosenLocale.js';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import { showScreen } from '../../bot/showScreen.js';
import { SETTINGS_DATA } from './settingsData.js';

/**
 * `/settings` (and the menu's button): the language, chosen or following Telegram's, then the
 * rows the product modules add (`BotModule.settings`): each a line with its value and a button
 * to the module's own screen, whose Back button returns here.
 */
export const settingsFeature = new Composer<BotContext>();

const dm = settingsFeature.chatType('private');
type DmContext = BotContext & { from: NonNullable<BotContext['from']> };

/** The settings message in the user's current language, with a button per choice. */
async function render(ctx: DmContext, chosen: string | null) {
  const { t } = ctx;
  const language = t('language_name');
  const lines = [t('settings_title'), '', chosen ? t('settings_language', { language }) : t('settings_language_auto', { language })];
  const keyboard = new InlineKeyboard();
  // Each language is named in itself, so a user who picked one they cannot read can find their own.
  for (const locale of locales) {
    const name = catalogs[locale].language_name as string;
    keyboard.text(chosen === locale ? `✅ ${name}` : name, `settings:lang:${locale}`);
  }
  keyboard.row().text(chosen ? t('settings_same_as_telegram') : `✅ ${t('settings_same_as_telegram')}`, 'settings:lang:auto').row();
  let inRow = 0;
  for (const module of ctx.modules) {
    for (const row of module.settings ?? []) {
      const shown = await row.render(ctx);
      if (!shown) continue;
      lines.push(shown.line);
      if (!shown.button) continue;
      if (inRow === 2) {
        keyboard.row();
        inRow = 0;
      }
      keyboard.text(shown.button.label, shown.button.data);
      inRow++;
    }
  }
  return { text: lines.join('\n'), keyboard };
}

/** Leaving a settings screen for the overview: the questions those screens asked are no longer open. */
async function stopSettingsQuestions(ctx: DmContext) {
  const kinds = ctx.modules.flatMap((m) => m.settings ?? []).flatMap((row) => row.inputs ?? []);
  if (kinds.length && ctx.chat) await awaitedInput.close(ctx.sql, ctx.chat.id, kinds);
}

async function showSettings(ctx: DmContext) {
  const chosen = await readChosenLocale(ctx.sql, ctx.from.id);
  if (chosen === undefined) return void (await ctx.reply(ctx.t('start_first')));
  await stopSettingsQuestions(ctx);
  const { text, keyboard } = await render(ctx, chosen);
  await showScreen(ctx, text, keyboard);
}

dm.command('settings', showSettings);

dm.callbackQuery(['menu:settings', SETTINGS_DATA], async (ctx) => {
  await ctx.answerCallbackQuery();
  // The main menu's button opens a new message; a Back button turns its screen back into this one.
  if (ctx.callbackQuery.data === 'menu:settings') {
    const chosen = await readChosenLocale(ctx.sql, ctx.from.id);
    if (chosen === undefined) return void (await ctx.reply(ctx.t('start_first')));
    await stopSettingsQuestions(ctx);
    const { text, keyboard } = await render(ctx, chosen);
    return void (await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard }));
  }
  await showSettings(ctx);
});

dm.callbackQuery(/^settings:lang:(\w+)$/, async (ctx) => {
  const choice = ctx.match[1]!;
  const chosen = locales.find((l): l is Locale => l === choice) ?? null;
  if (!(await saveChosenLocale(ctx.sql, ctx.from.id, chosen))) {
    await ctx.answerCallbackQuery();
    return void (await ctx.reply(ctx.t('start_first')));
  }
  // The rest of this update, and the edited message, speak the new language.
  ctx.locale = pickLocale(chosen, ctx.from.language_code);
  ctx.t = createTranslator(ctx.locale);
  await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('settings_saved')) });
  const { text, keyboard } = await render(ctx, chosen);
  await showScreen(ctx, text, keyboard);
});
