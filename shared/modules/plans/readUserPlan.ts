import type { Queryable } from '../../db/Queryable.js';
import { billingPeriod, isPlanId, type PlanId, type PlanLimits, planLimits } from './plans.js';

/** A user's plan as features see it: Free unless a grant is in force. */
export interface UserPlan {
  plan: PlanId;
  limits: Readonly<PlanLimits>;
  /** When it ends; null: no end (Free, Friends & Family, an open admin grant). */
  until: Date | null;
  /** Why they have it: 'default' for Free, else the grant's source ('payment', 'friends_family', 'admin'…). */
  source: string;
  /** When the grant in force was made; null for Free. */
  grantedAt: Date | null;
  /** The admin who granted it; null for Free and payments. */
  actorId: number | null;
  note: string | null;
  /** The billing period containing `now`: posts per month count within it. */
  period: { start: Date; end: Date };
  /** A live Star subscription of this plan, not turned off, carries it past `until` (renewsSql). */
  renews: boolean;
}

interface PlanRow {
  plan: string;
  source: string;
  until: Date | null;
  period_anchor: Date;
  actor_id: string | null;
  note: string | null;
  granted_at: Date;
  created_at: Date;
  renews?: boolean;
}

/**
 * The plan in force for `userId` at `now`. A grant whose `until` has passed reads as Free
 * even before the expiry job removes it: access follows the date, not a flag; only a renewing
 * Star subscription gets {@link RENEWAL_GRACE_MS} for its renewal to arrive. Free users'
 * periods count from when they joined.
 */
export async function readUserPlan(sql: Queryable, userId: number, now: Date = new Date()): Promise<UserPlan> {
  const [row] = await sql<PlanRow[]>`
    select p.plan, p.source, p.until, p.period_anchor, p.actor_id::text, p.note, p.granted_at, u.created_at, ${renewsSql(sql)} as renews
    from users u left join user_plans p on p.user_id = u.id
    where u.id = ${userId}`;
  return toUserPlan(row, now);
}

/**
 * Whether the `user_plans` row `p` renews: a live Star subscription of its plan, not turned off,
 * carries it past `until` (its renewal's payment comes around the period's end, and the plan
 * must not lapse meanwhile). A fragment for a query over `user_plans p`, made with that query's
 * `sql`: readUserPlan, the sweep's reminders and expireLapsedPlans ask the same question.
 */
export function renewsSql(sql: Queryable) {
  return sql`exists (select 1 from star_subscriptions s where s.user_id = p.user_id and s.plan = p.plan
    and s.state = 'active' and not s.canceled_by_bot and s.expires_at >= p.until)`;
}

/**
 * How long a renewing subscription's plan stays in force past its paid end while the renewal
 * is on its way (Telegram charges at the end of the period; the payment message can come a
 * little later). A `failed` or `canceled` subscription ends on time.
 */
export const RENEWAL_GRACE_MS = 86_400_000;

/** The plan a joined `user_plans` row (or none) means at `now`. */
export function toUserPlan(row: Partial<PlanRow> | undefined, now: Date): UserPlan {
  const inForce = row?.plan !== undefined && row.plan !== null && isPlanId(row.plan)
    && (row.until == null || row.until > now || (row.renews === true && row.until.getTime() + RENEWAL_GRACE_MS > now.getTime()));
  if (!inForce) {
    const anchor = row?.created_at ?? now;
    return { plan: 'free', limits: planLimits('free'), until: null, source: 'default', grantedAt: null, actorId: null, note: null,
      period: billingPeriod(anchor, now), renews: false };
  }
  const plan = row.plan as PlanId;
  return {
    plan,
    limits: planLimits(plan),
    until: row.until ?? null,
    source: row.source!,
    grantedAt: row.granted_at!,
    actorId: row.actor_id == null ? null : Number(row.actor_id),
    note: row.note ?? null,
    period: billingPeriod(row.period_anchor!, now),
    renews: row.renews === true,
  };
}
