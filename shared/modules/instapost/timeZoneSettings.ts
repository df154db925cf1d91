import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler, SettingsRow } from '../../bot/BotModule.js';
import { showScreen } from '../../bot/showScreen.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { SETTINGS_DATA } from '../settings/settingsData.js';
import { parseTimeZone } from './parseTimeZone.js';
import { readUserTimeZone, saveUserTimeZone } from './userTimeZone.js';

/** The input kind of a typed time zone or city. */
export const TIME_ZONE_INPUT = 'instapost_settings_time_zone';
const TTL_MS = 10 * 60_000;

/** The zones offered as buttons: where most users of the two languages live, and UTC. */
const COMMON_ZONES = ['UTC', 'Europe/London', 'Europe/Berlin', 'Europe/Moscow', 'America/New_York', 'America/Los_Angeles', 'Asia/Dubai', 'Asia/Tokyo'];

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** The time in `zone` now, so the user sees at once whether the zone is theirs. */
const clockIn = (zone: string, locale: string) => new Intl.DateTimeFormat(locale, { timeZone: zone, timeStyle: 'short' }).format(new Date());
const cityOf = (zone: string) => zone.slice(zone.lastIndexOf('/') + 1).replace(/_/g, ' ');

/** /settings' time zone row: the zone and its time now. */
export const timeZoneRow: SettingsRow = {
  inputs: [TIME_ZONE_INPUT],
  async render(ctx) {
    const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
    return { line: ctx.t('settings_tz_line', { zone, now: clockIn(zone, ctx.locale) }), button: { label: ctx.t('settings_tz_button'), data: 'ig:set:tz' } };
  },
};

function screen(ctx: DmContext, zone: string) {
  const keyboard = new InlineKeyboard();
  COMMON_ZONES.forEach((z, i) => {
    keyboard.text(z === zone ? `✅ ${cityOf(z)}` : cityOf(z), `ig:set:tz:${z}`);
    if (i % 4 === 3) keyboard.row();
  });
  keyboard.text(ctx.t('settings_back'), SETTINGS_DATA);
  return { text: ctx.t('settings_tz_screen', { zone, now: clockIn(zone, ctx.locale) }), keyboard };
}

/** The time zone screen: common zones as buttons, and any zone or city typed. */
export const timeZoneSettingsFeature = new Composer<BotContext>();
const dm = timeZoneSettingsFeature.chatType('private');

dm.callbackQuery('ig:set:tz', async (ctx) => {
  await ctx.answerCallbackQuery();
  const zone = await readUserTimeZone(ctx.sql, ctx.from.id);
  if (zone === undefined) return void (await ctx.reply(ctx.t('start_first')));
  await awaitedInput.open(ctx.sql, ctx.chat.id, TIME_ZONE_INPUT, { ttlMs: TTL_MS });
  const { text, keyboard } = screen(ctx, zone);
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery(/^ig:set:tz:(.+)$/, async (ctx) => {
  const zone = parseTimeZone(ctx.match[1]!);
  if (!zone || !(await saveUserTimeZone(ctx.sql, ctx.from.id, zone))) {
    await ctx.answerCallbackQuery();
    return void (await ctx.reply(ctx.t(zone ? 'start_first' : 'settings_tz_invalid'), { parse_mode: 'HTML' }));
  }
  await awaitedInput.close(ctx.sql, ctx.chat.id, TIME_ZONE_INPUT);
  await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('settings_saved')) });
  const { text, keyboard } = screen(ctx, zone);
  await showScreen(ctx, text, keyboard);
});

export const timeZoneInputs: Record<string, InputHandler> = {
  [TIME_ZONE_INPUT]: async (ctx, _data, next) => {
    const text = ctx.msg.text?.trim();
    if (text === undefined) return next();
    const zone = parseTimeZone(text);
    if (!zone) {
      // Still waiting: the next try is taken too.
      await awaitedInput.open(ctx.sql, ctx.chat.id, TIME_ZONE_INPUT, { ttlMs: TTL_MS });
      return void (await ctx.reply(ctx.t('settings_tz_invalid'), { parse_mode: 'HTML' }));
    }
    await awaitedInput.close(ctx.sql, ctx.chat.id, TIME_ZONE_INPUT);
    if (!(await saveUserTimeZone(ctx.sql, ctx.from.id, zone))) return void (await ctx.reply(ctx.t('start_first')));
    await ctx.reply(ctx.t('settings_tz_saved', { zone, now: clockIn(zone, ctx.locale) }), {
      parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('settings_back'), SETTINGS_DATA),
    });
  },
};
