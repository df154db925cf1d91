import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { SettingsRow } from '../../bot/BotModule.js';
import { showScreen } from '../../bot/showScreen.js';
import type { Translator } from '../../i18n/createTranslator.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { SETTINGS_DATA } from '../settings/settingsData.js';
import { readReminderMinutes, REMINDER_CHOICES, saveReminderMinutes } from './reminderMinutes.js';

const describe = (t: Translator, minutes: number) => (minutes === 0 ? t('settings_remind_off') : t('minutes', { count: minutes }));

/** /settings' reminder row: how long before a post the reminder (and its check) comes. */
export const reminderRow: SettingsRow = {
  async render(ctx) {
    const minutes = (await readReminderMinutes(ctx.sql, ctx.from.id)) ?? 15;
    return {
      line: minutes === 0 ? ctx.t('settings_remind_line_off') : ctx.t('settings_remind_line', { minutes: describe(ctx.t, minutes) }),
      button: { label: ctx.t('settings_remind_button'), data: 'ig:set:remind' },
    };
  },
};

function screen(ctx: BotContext, minutes: number) {
  const keyboard = new InlineKeyboard();
  REMINDER_CHOICES.forEach((m, i) => {
    keyboard.text(m === minutes ? `✅ ${describe(ctx.t, m)}` : describe(ctx.t, m), `ig:set:remind:${m}`);
    if (i === 2) keyboard.row();
  });
  keyboard.row().text(ctx.t('settings_back'), SETTINGS_DATA);
  const text = minutes === 0 ? ctx.t('settings_remind_screen_off') : ctx.t('settings_remind_screen', { minutes: describe(ctx.t, minutes) });
  return { text, keyboard };
}

/** The reminder screen: off, 5, 15, 30 or 60 minutes before each scheduled post. */
export const reminderSettingsFeature = new Composer<BotContext>();
const dm = reminderSettingsFeature.chatType('private');

dm.callbackQuery('ig:set:remind', async (ctx) => {
  await ctx.answerCallbackQuery();
  const minutes = await readReminderMinutes(ctx.sql, ctx.from.id);
  if (minutes === undefined) return void (await ctx.reply(ctx.t('start_first')));
  const { text, keyboard } = screen(ctx, minutes);
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery(/^ig:set:remind:(\d+)$/, async (ctx) => {
  const minutes = Number(ctx.match[1]);
  // Only the offered choices: the button's data comes from the client.
  if (!(REMINDER_CHOICES as readonly number[]).includes(minutes)) return void (await ctx.answerCallbackQuery());
  if (!(await saveReminderMinutes(ctx.sql, ctx.from.id, minutes))) {
    await ctx.answerCallbackQuery();
    return void (await ctx.reply(ctx.t('start_first')));
  }
  await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('settings_saved')) });
  const { text, keyboard } = screen(ctx, minutes);
  await showScreen(ctx, text, keyboard);
});
