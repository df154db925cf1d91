/** A rule: at most `requests` per `windowMs`. */
export interface RateLimitRule {
  requests: number;
  windowMs: number;
}

/**
 * The limits other than the command limit (whose numbers are settings: `BotSettings.rateLimit`).
 * Each counts on its own row, so one kind of activity never uses up another's allowance.
 */
export const namedRateLimits = {
  /**
   * Button presses. Not commands: a conversation (InstaPost's /post: photo, caption, then a
   * few buttons) must not trip the command limit, yet a press costs a query and an edit, so
   * hammering a button is bounded too. Three times the command limit.
   */
  buttons: { requests: 30, windowMs: 60_000 },
  // InstaPost's, from the product plan (seed 004, §8.2).
  post_create: { requests: 10, windowMs: 60_000 },
  image_upload: { requests: 20, windowMs: 60_000 },
  /**
   * Photos of a bulk upload (/bulk). Not `image_upload`: its 20 a minute would refuse the 21st
   * photo of the 50 Business's bulk upload sells (five albums of ten sent at once). A session
   * holds at most 50, so 60 a minute bounds what one user can make the worker download and
   * prepare, as the 20 bound /post's.
   */
  bulk_image: { requests: 60, windowMs: 60_000 },
  account_connect: { requests: 5, windowMs: 3_600_000 },
} as const satisfies Record<string, RateLimitRule>;

/** What a rate limit counts: commands, or one of the {@link namedRateLimits}. */
export type RateLimitName = 'commands' | keyof typeof namedRateLimits;
