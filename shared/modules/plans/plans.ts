/**
 * The plans and what each allows: the one place limits live (seed 004, §4.1). Features ask
 * {@link planLimits} or {@link readUserPlan}; none of them compares plan names.
 */

/** Every plan, cheapest first: the order "the next plan" follows. */
export const PLAN_IDS = ['free', 'basic', 'pro', 'business', 'friends_family'] as const;
export type PlanId = (typeof PLAN_IDS)[number];

/** The plans a user can buy with Stars (F&F is granted by an admin, Free is the default). */
export const PAID_PLAN_IDS = ['basic', 'pro', 'business'] as const satisfies readonly PlanId[];
export type PaidPlanId = (typeof PAID_PLAN_IDS)[number];

/** `null` means unlimited. */
export type Limit = number | null;

export interface PlanLimits {
  /** Posts a user may create in one billing period (counted when scheduled or posted). */
  postsPerMonth: Limit;
  /** Instagram accounts connected at once. */
  instagramAccounts: Limit;
  /** Scheduled posts waiting at once. */
  queueSize: Limit;
  /** Saved caption templates. */
  captionTemplates: Limit;
  /** Images one bulk upload (an album) may hold; 0: no bulk upload. */
  bulkUpload: number;
  /** Weekly posting slots of one's own (/schedule); without them the default times are used. */
  customPostingTimes: boolean;
  imageValidation: 'basic' | 'advanced';
  prioritySupport: boolean;
  analytics: 'none' | 'basic' | 'full' | 'full_export';
  apiAccess: boolean;
}

const business: PlanLimits = {
  postsPerMonth: null, instagramAccounts: null, queueSize: null, captionTemplates: null, bulkUpload: 50,
  customPostingTimes: true, imageValidation: 'advanced', prioritySupport: true, analytics: 'full_export', apiAccess: true,
};

/** The seed's table (§4.1). Friends & Family has Business's features, free of charge. */
export const PLAN_LIMITS: Readonly<Record<PlanId, Readonly<PlanLimits>>> = {
  free: {
    postsPerMonth: 10, instagramAccounts: 1, queueSize: 5, captionTemplates: 1, bulkUpload: 0,
    customPostingTimes: false, imageValidation: 'basic', prioritySupport: false, analytics: 'none', apiAccess: false,
  },
  basic: {
    postsPerMonth: 100, instagramAccounts: 2, queueSize: 25, captionTemplates: 5, bulkUpload: 0,
    customPostingTimes: true, imageValidation: 'advanced', prioritySupport: false, analytics: 'basic', apiAccess: false,
  },
  pro: {
    postsPerMonth: 500, instagramAccounts: 5, queueSize: 100, captionTemplates: 20, bulkUpload: 10,
    customPostingTimes: true, imageValidation: 'advanced', prioritySupport: true, analytics: 'full', apiAccess: false,
  },
  business,
  friends_family: business,
};

/**
 * Monthly prices in Stars (whole Stars: XTR has no minor units), the seed's §4.6. The running
 * bot takes them from its configuration (STARS_PRICE_*); these are the defaults.
 */
export const DEFAULT_MONTHLY_STARS: Readonly<Record<PaidPlanId, number>> = { basic: 450, pro: 1450, business: 4950 };

/** Annual plans: 12 months for the price of 10 (the seed's "2 months free"). */
export const ANNUAL_MONTHS_PAID = 10;

/**
 * A billing period: usage resets every 30 days from the plan's anchor, the length of a Telegram
 * Star subscription period (2592000 s), so a paid plan's usage resets when it renews.
 */
export const BILLING_PERIOD_MS = 2_592_000_000;

export function isPlanId(value: unknown): value is PlanId {
  return typeof value === 'string' && (PLAN_IDS as readonly string[]).includes(value);
}

export function isPaidPlanId(value: unknown): value is PaidPlanId {
  return typeof value === 'string' && (PAID_PLAN_IDS as readonly string[]).includes(value);
}

export function planLimits(plan: PlanId): Readonly<PlanLimits> {
  return PLAN_LIMITS[plan];
}

/** Whether `used` more of something stays within `limit` (null: unlimited). */
export function withinLimit(limit: Limit, used: number): boolean {
  return limit === null || used < limit;
}

/**
 * The cheapest plan a user can buy that allows more of `what` than `plan`: what a "quota
 * exceeded" message offers. Undefined when nothing sold allows more.
 */
export function nextPlan(plan: PlanId, what: keyof Pick<PlanLimits, 'postsPerMonth' | 'instagramAccounts' | 'queueSize' | 'captionTemplates' | 'bulkUpload'>): PaidPlanId | undefined {
  const current = PLAN_LIMITS[plan][what];
  if (current === null) return undefined;
  return PAID_PLAN_IDS.find((p) => {
    const offered = PLAN_LIMITS[p][what];
    return offered === null || offered > current;
  });
}

/** The billing period containing `now`, counted in 30-day steps from `anchor`. */
export function billingPeriod(anchor: Date, now: Date): { start: Date; end: Date } {
  const steps = Math.max(0, Math.floor((now.getTime() - anchor.getTime()) / BILLING_PERIOD_MS));
  const start = new Date(anchor.getTime() + steps * BILLING_PERIOD_MS);
  return { start, end: new Date(start.getTime() + BILLING_PERIOD_MS) };
}
