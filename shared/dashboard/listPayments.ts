import type { Queryable } from '../db/Queryable.js';

/** A Star payment as the Payments page lists it. */
export interface PaymentListRow {
  charge_id: string;
  user_id: number;
  username: string | null;
  /** null for an unmatched charge. */
  plan: string | null;
  kind: string | null;
  amount: number;
  is_recurring: boolean;
  paid_until: Date | null;
  source: string;
  created_at: Date;
  refunded_at: Date | null;
  refund_source: string | null;
  /** 'matched', or 'unmatched': it paid for nothing we sold, and is there to be refunded. */
  status: string;
  unmatched_reason: string | null;
}

/** Star payments, newest first: all, only the refunded ones, or only the unmatched ones (to refund). */
export async function listPayments(sql: Queryable, only: 'all' | 'refunded' | 'unmatched', limit: number): Promise<PaymentListRow[]> {
  return [...await sql<PaymentListRow[]>`
    select p.charge_id, p.user_id, u.username, p.plan, p.kind, p.amount, p.is_recurring, p.paid_until, p.source, p.created_at, p.refunded_at, p.refund_source,
      p.status, p.unmatched_reason
    from star_payments p left join users u on u.id = p.user_id
    where ${only === 'refunded' ? sql`p.refunded_at is not null` : only === 'unmatched' ? sql`p.status = 'unmatched'` : sql`true`}
    order by p.created_at desc, p.charge_id limit ${limit}`];
}

/** A subscription whose paid period ends within `days`: renewing (active) or ending for good (canceled, failed). */
export interface EndingSubscriptionRow {
  id: number;
  user_id: number;
  username: string | null;
  plan: string;
  state: string;
  canceled_by_bot: boolean;
  expires_at: Date;
}

/** Star subscriptions whose paid period ends in the next `days` days, soonest first. */
export async function listEndingSubscriptions(sql: Queryable, days: number, limit: number): Promise<EndingSubscriptionRow[]> {
  return [...await sql<EndingSubscriptionRow[]>`
    select s.id, s.user_id, u.username, s.plan, s.state, s.canceled_by_bot, s.expires_at
    from star_subscriptions s left join users u on u.id = s.user_id
    where s.expires_at > now() and s.expires_at <= now() + make_interval(days => ${days})
    order by s.expires_at, s.id limit ${limit}`];
}

/** Payments and Stars for the Overview: all time and the last 30 days, refunds taken out. */
export async function readPaymentTotals(sql: Queryable): Promise<{ payments: number; stars: number; payments30d: number; stars30d: number; refunds: number }> {
  const [row] = await sql<{ payments: number; stars: number; payments30d: number; stars30d: number; refunds: number }[]>`
    select count(*) filter (where refunded_at is null)::int as payments,
      coalesce(sum(amount) filter (where refunded_at is null), 0)::int as stars,
      count(*) filter (where refunded_at is null and created_at >= now() - interval '30 days')::int as "payments30d",
      coalesce(sum(amount) filter (where refunded_at is null and created_at >= now() - interval '30 days'), 0)::int as "stars30d",
      count(*) filter (where refunded_at is not null)::int as refunds
    from star_payments`;
  return row!;
}
