import type { Queryable } from '../../db/Queryable.js';
import { queueStats, type QueueStats } from '../../queue/queueStats.js';

/** What /admin_stats shows. */
export interface AdminStats {
  users: { total: number; newToday: number; activeToday: number; active7Days: number; banned: number; unreachable: number };
  groups: { total: number; active: number; registered: number; deactivated: number };
  /** The growth bot's numbers (seed 000's metrics): referrals, points, the live list, join requests. */
  growth: { referrals: number; averagePoints: number; liveNow: number; joinApproved: number; joinFailed: number };
  posts: { publishedToday: number; published7Days: number; published: number; failedToday: number; failed7Days: number; failed: number; scheduled: number };
  /** Null while no payment was ever recorded. */
  payments: { count: number; stars: number; count30Days: number; stars30Days: number; refunded: number } | null;
  queue: QueueStats;
}

/**
 * Reads the numbers of /admin_stats. "Today" is the UTC day; "7 days" the last seven UTC days,
 * today included (users.last_active_on is a UTC day, written at most once a user a day).
 * Counts are exact: this runs when an admin asks, not on every update.
 */
export async function readAdminStats(sql: Queryable): Promise<AdminStats> {
  const [users] = await sql<AdminStats['users'][]>`
    select count(*)::int as total,
      count(*) filter (where created_at >= date_trunc('day', now() at time zone 'UTC') at time zone 'UTC')::int as "newToday",
      count(*) filter (where last_active_on = (now() at time zone 'UTC')::date)::int as "activeToday",
      count(*) filter (where last_active_on > (now() at time zone 'UTC')::date - 7)::int as "active7Days",
      count(*) filter (where banned_at is not null)::int as banned,
      count(*) filter (where unreachable_since is not null)::int as unreachable
    from users`;
  const [groups] = await sql<AdminStats['groups'][]>`
    select count(*)::int as total, count(*) filter (where active)::int as active,
      count(*) filter (where registered_at is not null)::int as registered,
      count(*) filter (where not active and deactivated_at is not null)::int as deactivated
    from groups`;
  const [growth] = await sql<AdminStats['growth'][]>`
    select (select count(*)::int from users where referred_by is not null) as referrals,
      (select coalesce(round(avg(points)), 0)::int from users) as "averagePoints",
      (select count(distinct user_id)::int from live_sessions where ends_at > now()) as "liveNow",
      (select count(*)::int from join_requests where outcome = 'approved') as "joinApproved",
      (select count(*)::int from join_requests where outcome = 'failed') as "joinFailed"`;
  const [posts] = await sql<AdminStats['posts'][]>`
    with day as (select date_trunc('day', now() at time zone 'UTC') at time zone 'UTC' as start)
    select
      count(*) filter (where state = 'published' and published_at >= (select start from day))::int as "publishedToday",
      count(*) filter (where state = 'published' and published_at >= (select start from day) - interval '6 days')::int as "published7Days",
      count(*) filter (where state = 'published')::int as published,
      count(*) filter (where state = 'failed' and updated_at >= (select start from day))::int as "failedToday",
      count(*) filter (where state = 'failed' and updated_at >= (select start from day) - interval '6 days')::int as "failed7Days",
      count(*) filter (where state = 'failed')::int as failed,
      count(*) filter (where state = 'scheduled')::int as scheduled
    from posts where state in ('published', 'failed', 'scheduled')`;
  return { users: users!, groups: groups!, growth: growth!, posts: posts!, payments: await readPayments(sql), queue: await queueStats(sql) };
}

/** Payments and revenue in Stars (star_payments): refunded payments are counted apart and left out of revenue. */
async function readPayments(sql: Queryable): Promise<AdminStats['payments']> {
  const [row] = await sql<NonNullable<AdminStats['payments']>[]>`
    select count(*) filter (where refunded_at is null)::int as count,
      coalesce(sum(amount) filter (where refunded_at is null), 0)::int as stars,
      count(*) filter (where refunded_at is null and created_at > now() - interval '30 days')::int as "count30Days",
      coalesce(sum(amount) filter (where refunded_at is null and created_at > now() - interval '30 days'), 0)::int as "stars30Days",
      count(*) filter (where refunded_at is not null)::int as refunded
    from star_payments`;
  return row!.count + row!.refunded === 0 ? null : row!;
}
