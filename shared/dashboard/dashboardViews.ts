import type { Queryable } from '../db/Queryable.js';
import { findJobs, type JobFilter, listJobTypes } from '../queue/findJobs.js';
import { listBroadcasts } from './listBroadcasts.js';
import { listGroups } from './listGroups.js';
import { listEndingSubscriptions, listPayments } from './listPayments.js';
import { listPosts } from './listPosts.js';
import { searchUsers } from './searchUsers.js';

/** What a table view answers: its rows, its columns' keys (the page and the CSV use the same; headings in dashboardTexts.ts, `col.<view>.<key>`), and extras. */
export interface ViewResult {
  columns: string[];
  rows: Record<string, unknown>[];
  /** How many match in all, where the view shows only the first rows. */
  total?: number;
  /** The filter's choices (job types). */
  choices?: Record<string, string[]>;
}

/** A table view: its name in the URL and how it reads its rows for a query string. */
export interface TableView {
  name: 'users' | 'groups' | 'jobs' | 'broadcasts' | 'posts' | 'payments' | 'subscriptions';
  load(sql: Queryable, query: URLSearchParams, limit: number): Promise<ViewResult>;
}

const cols = (spec: string): string[] => spec.split(',').map((key) => key.trim());

const JOB_STATES = ['queued', 'waiting', 'running', 'failed'] as const;

/** The jobs filter of a query string (`type`, `state`, `q`). Unknown states are ignored. */
export function jobFilterOf(query: URLSearchParams): JobFilter {
  const state = query.get('state') ?? '';
  return {
    type: query.get('type') || undefined,
    state: (JOB_STATES as readonly string[]).includes(state) ? state as JobFilter['state'] : undefined,
    search: query.get('q') || undefined,
  };
}

/** The dashboard's table views. The page shows the first rows; the CSV export has every row of the same filter (up to its limit). */
export const TABLE_VIEWS: readonly TableView[] = [
  {
    name: 'users',
    async load(sql, q, limit) {
      return {
        columns: cols('id,username,first_name,created_at,last_active_on,plan,plan_until,points,unlimited_points,referrals,referred_by,instagram_accounts,is_admin,unreachable_since,banned_at,ban_reason'),
        rows: await searchUsers(sql, q.get('q') ?? '', limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'groups',
    async load(sql, q, limit) {
      const status = q.get('status') === 'active' || q.get('status') === 'deactivated' ? q.get('status') as 'active' | 'deactivated' : 'all';
      return {
        columns: cols('id,chat_id,title,type,active,admin_user_id,registered_at,deactivated_at,deactivated_reason,join_requests,join_requests_approved,join_requests_failed'),
        rows: await listGroups(sql, status, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'jobs',
    async load(sql, q, limit) {
      const { rows, total } = await findJobs(sql, jobFilterOf(q), limit);
      return {
        columns: cols('id,type,state,attempts,max_attempts,created_at,run_at,failed_at,serial_key,last_error,payload'),
        rows: rows as unknown as Record<string, unknown>[], total, choices: { type: await listJobTypes(sql) },
      };
    },
  },
  {
    name: 'broadcasts',
    async load(sql, _q, limit) {
      return {
        columns: cols('id,state,audience,admin_user_id,started_at,finished_at,total,sent,failed,unknown,pending,sending,cancelled,failures,text'),
        rows: await listBroadcasts(sql, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'posts',
    async load(sql, q, limit) {
      const state = q.get('state') || undefined;
      return {
        columns: cols('id,user_id,account,state,images,created_at,scheduled_at,container_id,media_id,published_at,error_reason,job_state,job_error,permalink'),
        rows: await listPosts(sql, state, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'payments',
    async load(sql, q, limit) {
      return {
        columns: cols('charge_id,created_at,user_id,username,plan,kind,amount,is_recurring,paid_until,source,refunded_at,refund_source,status,unmatched_reason'),
        // 'unmatched': charges that paid for nothing we sold, for an admin to refund (/admin_refund).
        rows: await listPayments(sql, q.get('only') === 'refunded' ? 'refunded' : q.get('only') === 'unmatched' ? 'unmatched' : 'all', limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'subscriptions',
    async load(sql, _q, limit) {
      return {
        columns: cols('id,user_id,username,plan,state,canceled_by_bot,expires_at'),
        rows: await listEndingSubscriptions(sql, 7, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
];
