import { Composer, GrammyError, InlineKeyboard } from 'grammy';
import { type Locale, catalogs, locales } from '../../i18n/catalogs.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { readChosenLocale } from '../../i18n/readChosenLocale.js';
import { saveChosenLocale } from '../../i18n/saveChosenLocale.js';
import type { BotContext } from '../../bot/botContext.js';

/** `/settings` (and the menu's button): the language, chosen or following Telegram's. */
export const settingsFeature = new Composer<BotContext>();

const dm = settingsFeature.chatType('private');

/** The settings message in the user's current language, with a button per choice. */
function render(ctx: BotContext, chosen: string | null) {
  const { t } = ctx;
  const language = t('language_name');
  const text = [t('settings_title'), '', chosen ? t('settings_language', { language }) : t('settings_language_auto', { language })].join('\n');
  const keyboard = new InlineKeyboard();
  // Each language is named in itself, so a user who picked one they cannot read can find their own.
  for (const locale of locales) {
    const name = catalogs[locale].language_name as string;
    keyboard.text(chosen === locale ? `✅ ${name}` : name, `settings:lang:${locale}`);
  }
  keyboard.row().text(chosen ? t('settings_same_as_telegram') : `✅ ${t('settings_same_as_telegram')}`, 'settings:lang:auto');
  return { text, keyboard };
}

async function showSettings(ctx: BotContext & { from: NonNullable<BotContext['from']> }) {
  const chosen = await readChosenLocale(ctx.sql, ctx.from.id);
  if (chosen === undefined) return void (await ctx.reply(ctx.t('start_first')));
  const { text, keyboard } = render(ctx, chosen);
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}

dm.command('settings', showSettings);

dm.callbackQuery('menu:settings', async (ctx) => {
  await ctx.answerCallbackQuery();
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
  const { text, keyboard } = render(ctx, chosen);
  try {
    await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard });
  } catch (err) {
    // Choosing what was already chosen leaves the message as it was; Telegram refuses the edit.
    if (err instanceof GrammyError && err.description.includes('message is not modified')) return;
    throw err;
  }
});
