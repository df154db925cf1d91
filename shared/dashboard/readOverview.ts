import type { Queryable } from '../db/Queryable.js';
import { Metric } from '../metrics/metricNames.js';
import { type MetricPoint, readMetricSeries } from '../metrics/readMetricSeries.js';
import { readMetricTotals } from '../metrics/readMetricTotals.js';
import { readNewUsersPerDay } from '../metrics/readNewUsersPerDay.js';
import { readReplyTimes } from '../metrics/readReplyTimes.js';
import { type QueueStats, queueStats } from '../queue/queueStats.js';
import { readPaymentTotals } from './listPayments.js';

/** The Overview page's numbers. "Today" is the UTC day; "active" is a message or button press that day (users.last_active_on, as /admin_stats counts it). */
export interface Overview {
  users: { total: number; newToday: number; new7d: number; activeToday: number; active7d: number; referred: number };
  groups: { active: number; deactivated: number; joinRequestsApproved: number };
  posts: { scheduled: number; published: number; failed: number };
  broadcastsRunning: number;
  /** Star payments not refunded, and their Stars: all time and 30 days; refunds. */
  payments: { payments: number; stars: number; payments30d: number; stars30d: number; refunds: number };
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
      (select count(*) from users where last_active_on = (now() at time zone 'utc')::date)::int as users_active_today,
      (select count(*) from users where last_active_on > (now() at time zone 'utc')::date - 7)::int as users_active_7d,
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
    payments: await readPaymentTotals(sql),
    queue: await queueStats(sql),
  };
}

/** The Overview's charts: each a series of [unix seconds, value] points, zero-filled. */
export interface OverviewCharts {
  newUsersPerDay: [number, number][];
  /** Jobs finished per minute, the last hour (metric job_done, all types). */
  jobsPerMinute: [number, number][];
  /** Bot API sends per minute, the last hour (metric telegram_send, all methods). */
  sendsPerMinute: [number, number][];
  /** Runnable jobs, the mean of each minute's samples, the last hour (metric queue_ready). */
  queueDepth: [number, number][];
  /** DM reply time p50/p95/p99 in ms per 5 minutes, the last 6 hours (null where no reply was timed). */
  replyTimes: { at: number; p50: number | null; p95: number | null; p99: number | null }[];
  /** Failures of the last 7 days by where and why: failed job attempts (job_error), broadcast deliveries, posts. */
  failuresByReason: { source: 'broadcast' | 'post' | 'job'; reason: string; count: number }[];
}

const MINUTE = 60_000;

/** `points` summed per step over labels, one entry per step of [from, to) (zero where none). */
function perStep(points: MetricPoint[], from: number, to: number, stepMs: number, value: (p: MetricPoint) => number = (p) => p.count): [number, number][] {
  const byStep = new Map<number, number>();
  for (const p of points) byStep.set(p.at.getTime(), (byStep.get(p.at.getTime()) ?? 0) + value(p));
  const out: [number, number][] = [];
  for (let t = from; t < to; t += stepMs) out.push([t / 1000, byStep.get(t) ?? 0]);
  return out;
}

/** The charts, from metric_minutes (shared/metrics) and, for broadcasts and posts, their own tables. */
export async function readOverviewCharts(sql: Queryable, nowMs = Date.now()): Promise<OverviewCharts> {
  const hourTo = Math.floor(nowMs / MINUTE) * MINUTE + MINUTE;
  const hourFrom = hourTo - 60 * MINUTE;
  const lastHour = { from: new Date(hourFrom), to: new Date(hourTo) };
  const dayMs = 24 * 60 * MINUTE;
  const daysTo = Math.floor(nowMs / dayMs) * dayMs + dayMs;
  const daysFrom = daysTo - 30 * dayMs;
  const newUsers = new Map((await readNewUsersPerDay(sql, { from: new Date(daysFrom), to: new Date(daysTo) })).map((d) => [Date.parse(`${d.day}T00:00:00Z`), d.count]));
  const step5 = 5 * MINUTE;
  const repliesTo = Math.floor(nowMs / step5) * step5 + step5;
  const replies = new Map((await readReplyTimes(sql, { from: new Date(repliesTo - 72 * step5), to: new Date(repliesTo), stepSeconds: 300 })).map((r) => [r.at.getTime(), r]));
  const replyTimes: OverviewCharts['replyTimes'] = [];
  for (let t = repliesTo - 72 * step5; t < repliesTo; t += step5) {
    const r = replies.get(t);
    replyTimes.push({ at: t / 1000, p50: r?.p50 ?? null, p95: r?.p95 ?? null, p99: r?.p99 ?? null });
  }
  const weekAgo = new Date(nowMs - 7 * dayMs);
  const jobErrors = await readMetricTotals(sql, { metric: Metric.jobError, from: weekAgo, to: new Date(hourTo) });
  const failures = await sql<{ source: 'broadcast' | 'post' | 'job'; reason: string; count: number }[]>`
    select 'broadcast' as source, coalesce(failure_reason, 'unknown') as reason, count(*)::int as count
      from broadcast_deliveries where state = 'failed' and updated_at >= ${weekAgo} group by 2
    union all
    select 'post', coalesce(error_reason, 'unknown'), count(*)::int from posts where state = 'failed' and updated_at >= ${weekAgo} group by 2`;
  const newUsersPerDay: [number, number][] = [];
  for (let t = daysFrom; t < daysTo; t += dayMs) newUsersPerDay.push([t / 1000, newUsers.get(t) ?? 0]);
  return {
    newUsersPerDay,
    jobsPerMinute: perStep(await readMetricSeries(sql, { metric: Metric.jobDone, ...lastHour }), hourFrom, hourTo, MINUTE),
    sendsPerMinute: perStep(await readMetricSeries(sql, { metric: Metric.telegramSend, ...lastHour }), hourFrom, hourTo, MINUTE),
    queueDepth: perStep(await readMetricSeries(sql, { metric: Metric.queueReady, ...lastHour }), hourFrom, hourTo, MINUTE, (p) => (p.count ? p.sum / p.count : 0)),
    replyTimes,
    failuresByReason: [...jobErrors.map((e) => ({ source: 'job' as const, reason: e.label, count: e.count })), ...failures]
      .sort((a, b) => b.count - a.count || a.source.localeCompare(b.source) || a.reason.localeCompare(b.reason)),
  };
}
