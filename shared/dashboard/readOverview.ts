import type { Queryable } from '../db/Queryable.js';
import { type QueueStats, queueStats } from '../queue/queueStats.js';

/** The Overview page's numbers. "Today" is the UTC day; "active" is seen by the bot (users.updated_at, refreshed at every update). */
export interface Overview {
  users: { total: number; newToday: number; new7d: number; activeToday: number; active7d: number; referred: number };
  groups: { active: number; deactivated: number; joinRequestsApproved: number };
  posts: { scheduled: number; published: number; failed: number };
  broadcastsRunning: number;
  queue: QueueStats;
}

/** One statement of index-friendly counts, then the queue's own stats (shared/queue/queueStats.ts). */
export async function readOverview(sql: Queryable): Promise<Overview> {
  const [r] = await sql<Record<string, number>[]>`
    with day as (select date_trunc('day', now() at time zone 'utc') at time zone 'utc' as start)
    select
      (select count(*) from users)::int as users_total,
      (select count(*) from users, day where created_at >= day.start)::int as users_new_today,
      (select count(*) from users where created_at >= now() - interval '7 days')::int as users_new_7d,
      (select count(*) from users, day where updated_at >= day.start)::int as users_active_today,
      (select count(*) from users where updated_at >= now() - interval '7 days')::int as users_active_7d,
      (select count(*) from users where referred_by is not null)::int as users_referred,
      (select count(*) from groups where active)::int as groups_active,
      (select count(*) from groups where not active and deactivated_at is not null)::int as groups_deactivated,
      (select count(*) from join_requests where outcome = 'approved')::int as join_requests_approved,
      (select count(*) from posts where state = 'scheduled')::int as posts_scheduled,
      (select count(*) from posts where state = 'published')::int as posts_published,
      (select count(*) from posts where state = 'failed')::int as posts_failed,
      (select count(*) from broadcasts where state = 'running')::int as broadcasts_running`;
  const n = (k: string) => r![k]!;
  return {
    users: { total: n('users_total'), newToday: n('users_new_today'), new7d: n('users_new_7d'), activeToday: n('users_active_today'), active7d: n('users_active_7d'), referred: n('users_referred') },
    groups: { active: n('groups_active'), deactivated: n('groups_deactivated'), joinRequestsApproved: n('join_requests_approved') },
    posts: { scheduled: n('posts_scheduled'), published: n('posts_published'), failed: n('posts_failed') },
    broadcastsRunning: n('broadcasts_running'),
    queue: await queueStats(sql),
  };
}

/** The Overview's charts: each a series of [unix seconds, value] points. */
export interface OverviewCharts {
  newUsersPerDay: [number, number][];
  sendsPerMinute: [number, number][];
  /** Failures of the last 7 days by where and why: broadcast deliveries, posts, dead jobs. */
  failuresByReason: { source: 'broadcast' | 'post' | 'job'; reason: string; count: number }[];
}

/** New users per UTC day (30 days), broadcast sends per minute (the last hour), failures by reason. */
export async function readOverviewCharts(sql: Queryable): Promise<OverviewCharts> {
  const days = await sql<{ t: number; n: number }[]>`
    select extract(epoch from d)::int as t, (select count(*) from users where created_at >= d and created_at < d + interval '1 day')::int as n
    from generate_series(date_trunc('day', now() at time zone 'utc') at time zone 'utc' - interval '29 days',
      date_trunc('day', now() at time zone 'utc') at time zone 'utc', interval '1 day') d order by d`;
  const minutes = await sql<{ t: number; n: number }[]>`
    with m as (select generate_series(date_trunc('minute', now()) - interval '59 minutes', date_trunc('minute', now()), interval '1 minute') as start),
    s as (select date_trunc('minute', sent_at) as start, count(*)::int as n from sent_messages where sent_at >= now() - interval '1 hour' group by 1)
    select extract(epoch from m.start)::int as t, coalesce(s.n, 0)::int as n from m left join s using (start) order by m.start`;
  const failures = await sql<{ source: 'broadcast' | 'post' | 'job'; reason: string; count: number }[]>`
    select 'broadcast' as source, coalesce(failure_reason, 'unknown') as reason, count(*)::int as count
      from broadcast_deliveries where state = 'failed' and updated_at >= now() - interval '7 days' group by 2
    union all
    select 'post', coalesce(error_reason, 'unknown'), count(*)::int from posts where state = 'failed' and updated_at >= now() - interval '7 days' group by 2
    union all
    select 'job', type, count(*)::int from jobs where state = 'failed' and failed_at >= now() - interval '7 days' group by 2
    order by count desc, source, reason`;
  return {
    newUsersPerDay: days.map((d) => [d.t, d.n]),
    sendsPerMinute: minutes.map((m) => [m.t, m.n]),
    failuresByReason: [...failures],
  };
}
