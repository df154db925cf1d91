import * as z from 'zod';
import { type BotSettings, defaultBotSettings } from './botSettings.js';
import { parseEnv } from '../config/parseEnv.js';

const d = defaultBotSettings;
const count = (name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER, why = '') =>
  z.coerce.number({ error: `${name} must be a number` }).int(`${name} must be an integer`).min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}${why}`).default(def);

const BotSettingsEnv = z.object({
  POINTS_PER_REFERRAL: count('POINTS_PER_REFERRAL', d.pointsPerReferral),
  DAILY_POINTS: count('DAILY_POINTS', d.dailyPoints),
  GOLIVE_COST: count('GOLIVE_COST', d.goLiveCost),
  GOLIVE_MINUTES: count('GOLIVE_MINUTES', d.goLiveMinutes, 1),
  LIVE_PAGE_SIZE: count('LIVE_PAGE_SIZE', d.livePageSize, 1),
  RATE_LIMIT_COMMANDS: count('RATE_LIMIT_COMMANDS', d.rateLimit.commands, 1),
  RATE_LIMIT_WINDOW_MS: count('RATE_LIMIT_WINDOW_MS', d.rateLimit.windowMs, 1000),
  GROUP_MIN_MEMBERS: count('GROUP_MIN_MEMBERS', d.groupMinMembers, 1),
  ADMIN_TELEGRAM_IDS: z.string().regex(/^\s*(\d+\s*(,\s*\d+\s*)*)?$/, 'ADMIN_TELEGRAM_IDS must be Telegram user ids separated by commas').default(''),
  // Telegram: "no more than 30 messages per second" and "no more than 20 messages per minute to the same group".
  BROADCAST_MESSAGES_PER_SECOND: count('BROADCAST_MESSAGES_PER_SECOND', d.broadcast.messagesPerSecond, 1, 30, " (Telegram's limit)"),
  BROADCAST_GROUP_MESSAGES_PER_MINUTE: count('BROADCAST_GROUP_MESSAGES_PER_MINUTE', d.broadcast.groupMessagesPerMinute, 1, 20, " (Telegram's limit)"),
  // A Star subscription's price may not exceed stars_subscription_amount_max (10,000 in newer
  // app configs; see docs/PAYMENTS.md).
  STARS_PRICE_BASIC: count('STARS_PRICE_BASIC', d.starPrices.basic, 1, 10_000, ' (the largest Star subscription price)'),
  STARS_PRICE_PRO: count('STARS_PRICE_PRO', d.starPrices.pro, 1, 10_000, ' (the largest Star subscription price)'),
  STARS_PRICE_BUSINESS: count('STARS_PRICE_BUSINESS', d.starPrices.business, 1, 10_000, ' (the largest Star subscription price)'),
});

/** Reads the bot's product settings from the environment; every one has the plan's default. */
export function parseBotSettings(env: Record<string, string | undefined>): BotSettings {
  const e = parseEnv(BotSettingsEnv, env);
  return {
    pointsPerReferral: e.POINTS_PER_REFERRAL,
    dailyPoints: e.DAILY_POINTS,
    goLiveCost: e.GOLIVE_COST,
    goLiveMinutes: e.GOLIVE_MINUTES,
    livePageSize: e.LIVE_PAGE_SIZE,
    rateLimit: { commands: e.RATE_LIMIT_COMMANDS, windowMs: e.RATE_LIMIT_WINDOW_MS },
    groupMinMembers: e.GROUP_MIN_MEMBERS,
    adminTelegramIds: e.ADMIN_TELEGRAM_IDS.split(',').map((id) => id.trim()).filter(Boolean).map(Number),
    broadcast: { messagesPerSecond: e.BROADCAST_MESSAGES_PER_SECOND, groupMessagesPerMinute: e.BROADCAST_GROUP_MESSAGES_PER_MINUTE },
    starPrices: { basic: e.STARS_PRICE_BASIC, pro: e.STARS_PRICE_PRO, business: e.STARS_PRICE_BUSINESS },
  };
}
