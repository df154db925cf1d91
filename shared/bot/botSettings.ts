/**
 * The numbers that shape the direct-message product. Passed to `createBot` as one typed object
 * (parsed from the environment by the entry point), so no feature reads `process.env`.
 */
export interface BotSettings {
  /** Points a referrer earns for each new user who joins through their link. Default 10. */
  pointsPerReferral: number;
  /** Points granted at a user's first interaction of each UTC day. Default 10. */
  dailyPoints: number;
  /** What `/golive` costs. Default 10. Free for users with unlimited points. */
  goLiveCost: number;
  /** How long `/golive` keeps the user on the live list, in minutes. Default 60. */
  goLiveMinutes: number;
  /** Entries per `/live` page. Default 10. */
  livePageSize: number;
  /**
   * Commands one user may send per window. Default 10 per 60 s, the MVP plan's rule. Button
   * presses and uploads have limits of their own (shared/bot/rateLimit/rateLimits.ts).
   */
  rateLimit: { commands: number; windowMs: number };
  /**
   * Members a group needs (Telegram's getChatMemberCount: everyone in it, admins and bots
   * included) for `/activate` to grant its admin unlimited points, and to keep them. Default 10.
   */
  groupMinMembers: number;
  /** Telegram ids of the operators who may broadcast (besides users marked `is_admin`). Default none. */
  adminTelegramIds: readonly number[];
  /** Broadcast pacing, shared by every worker replica (see shared/modules/broadcasts/reserveSendSlot.ts). */
  broadcast: {
    /** Messages per second, all broadcasts together. Default 5 (the plan's); at most 30, Telegram's limit. */
    messagesPerSecond: number;
    /** Messages a minute to any one group. Default 20, Telegram's limit. */
    groupMessagesPerMinute: number;
  };
  /**
   * Monthly prices of the paid plans in Telegram Stars (whole Stars: XTR has no minor units).
   * Default 450 / 1,450 / 4,950, the seed's §4.6; an annual plan costs 10 of them.
   */
  starPrices: { basic: number; pro: number; business: number };
}

/** The defaults, as the MVP plan and the issue state them. */
export const defaultBotSettings: BotSettings = {
  pointsPerReferral: 10,
  dailyPoints: 10,
  goLiveCost: 10,
  goLiveMinutes: 60,
  livePageSize: 10,
  rateLimit: { commands: 10, windowMs: 60_000 },
  groupMinMembers: 10,
  adminTelegramIds: [],
  broadcast: { messagesPerSecond: 5, groupMessagesPerMinute: 20 },
  starPrices: { basic: 450, pro: 1450, business: 4950 },
};
