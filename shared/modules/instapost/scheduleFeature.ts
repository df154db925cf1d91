import { Composer } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler } from '../../bot/BotModule.js';
import { replyQuotaExceeded } from '../plans/quotaExceeded.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { readSlots, type WeeklySlot } from './nextFreeSlot.js';
import { parseSlots, replaceSlots } from './postingSlots.js';
import { readUserTimeZone, saveUserTimeZone } from './userTimeZone.js';
import { parseTimeZone } from './parseTimeZone.js';

/** The input kind of /schedule's answer: a time zone, slots, or `clear`. */
export const SCHEDULE_SETUP_INPUT = 'instapost_schedule_setup';
const TTL_MS = 10 * 60_000;
type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** Slots as the user reads them: weekday names in their language and 24-hour times. */
function describeSlots(slots: readonly WeeklySlot[], locale: string): string {
  // 2024-01-01 was a Monday: weekday n is that date plus n - 1 days.
  const day = new Intl.DateTimeFormat(locale, { weekday: 'short', timeZone: 'UTC' });
  return slots.map((s) => `${day.format(new Date(Date.UTC(2024, 0, s.weekday)))} ${String(Math.floor(s.minute / 60)).padStart(2, '0')}:${String(s.minute % 60).padStart(2, '0')}`).join(', ');
}

async function showSchedule(ctx: DmContext) {
  const zone = await readUserTimeZone(ctx.sql, ctx.from.id);
  if (zone === undefined) return void (await ctx.reply(ctx.t('start_first')));
  const slots = await readSlots(ctx.sql, ctx.from.id);
  await awaitedInput.open(ctx.sql, ctx.chat.id, SCHEDULE_SETUP_INPUT, { ttlMs: TTL_MS });
  await ctx.reply(ctx.t('schedule_show', { zone, slots: slots.length ? describeSlots(slots, ctx.locale) : ctx.t('schedule_no_slots') }), { parse_mode: 'HTML' });
}

/** `/schedule`: the user's time zone and weekly posting slots ("Add to queue" takes the next free one). */
export const scheduleFeature = new Composer<BotContext>();
scheduleFeature.chatType('private').command('schedule', showSchedule);

export const scheduleInputs: Record<string, InputHandler> = {
  [SCHEDULE_SETUP_INPUT]: async (ctx, _data, next) => {
    const text = ctx.msg.text?.trim();
    if (text === undefined) return next();
    // A zone name or a city, as /settings takes it.
    const typedZone = parseTimeZone(text);
    if (typedZone) {
      await saveUserTimeZone(ctx.sql, ctx.from.id, typedZone);
      return void (await ctx.reply(ctx.t('schedule_zone_saved', { zone: typedZone }), { parse_mode: 'HTML' }));
    }
    if (/^(clear|очистить)$/i.test(text)) {
      await replaceSlots(ctx.sql, ctx.from.id, []);
      await awaitedInput.close(ctx.sql, ctx.chat.id, SCHEDULE_SETUP_INPUT);
      return void (await ctx.reply(ctx.t('schedule_cleared')));
    }
    const slots = parseSlots(text);
    if (!slots) {
      await awaitedInput.open(ctx.sql, ctx.chat.id, SCHEDULE_SETUP_INPUT, { ttlMs: TTL_MS });
      return void (await ctx.reply(ctx.t('schedule_invalid'), { parse_mode: 'HTML' }));
    }
    const plan = await readUserPlan(ctx.sql, ctx.from.id);
    if (!plan.limits.customPostingTimes) {
      await awaitedInput.close(ctx.sql, ctx.chat.id, SCHEDULE_SETUP_INPUT);
      return void (await replyQuotaExceeded(ctx, { kind: 'slots', plan, used: 0, limit: 0 }));
    }
    await replaceSlots(ctx.sql, ctx.from.id, slots);
    await awaitedInput.close(ctx.sql, ctx.chat.id, SCHEDULE_SETUP_INPUT);
    const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
    await ctx.reply(ctx.t('schedule_saved', { slots: describeSlots(slots, ctx.locale), zone }), { parse_mode: 'HTML' });
  },
};
