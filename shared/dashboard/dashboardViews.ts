import type { Queryable } from '../db/Queryable.js';
import { findJobs, type JobFilter, listJobTypes } from '../queue/findJobs.js';
import { listBroadcasts } from './listBroadcasts.js';
import { listGroups } from './listGroups.js';
import { listEndingSubscriptions, listPayments } from './listPayments.js';
import { listPosts } from './listPosts.js';
import { searchUsers } from './searchUsers.js';
import type { Column } from './toCsv.js';

/** What a table view answers: its rows, its columns (the page and the CSV use the same), and extras. */
export interface ViewResult {
  columns: Column[];
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

const cols = (spec: string): Column[] => spec.split(',').map((pair) => {
  const [key, label] = pair.split(':');
  return { key: key!.trim(), label: (label ?? key!).trim() };
});

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
        columns: cols('id:ID,username:Username,first_name:Name,created_at:Joined,last_active_on:Last active,plan:Plan,plan_until:Plan until,points:Points,unlimited_points:Unlimited,referrals:Referrals,referred_by:Referred by,instagram_accounts:Instagram accounts,is_admin:Admin,unreachable_since:Blocked the bot,banned_at:Banned,ban_reason:Ban reason'),
        rows: await searchUsers(sql, q.get('q') ?? '', limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'groups',
    async load(sql, q, limit) {
      const status = q.get('status') === 'active' || q.get('status') === 'deactivated' ? q.get('status') as 'active' | 'deactivated' : 'all';
      return {
        columns: cols('id:ID,chat_id:Chat,title:Title,type:Type,active:Active,admin_user_id:Admin,registered_at:Registered,deactivated_at:Deactivated,deactivated_reason:Reason,join_requests:Join requests,join_requests_approved:Approved,join_requests_failed:Failed'),
        rows: await listGroups(sql, status, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'jobs',
    async load(sql, q, limit) {
      const { rows, total } = await findJobs(sql, jobFilterOf(q), limit);
      return {
        columns: cols('id:ID,type:Type,state:State,attempts:Attempts,max_attempts:Max attempts,created_at:Created,run_at:Run at,failed_at:Failed at,serial_key:Key,last_error:Error,payload:Payload'),
        rows: rows as unknown as Record<string, unknown>[], total, choices: { type: await listJobTypes(sql) },
      };
    },
  },
  {
    name: 'broadcasts',
    async load(sql, _q, limit) {
      return {
        columns: cols('id:ID,state:State,audience:Audience,admin_user_id:Admin,started_at:Started,finished_at:Finished,total:Total,sent:Sent,failed:Failed,unknown:Outcome unknown,pending:Pending,sending:Sending,cancelled:Cancelled,failures:Failures by reason,text:Text'),
        rows: await listBroadcasts(sql, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'posts',
    async load(sql, q, limit) {
      const state = q.get('state') || undefined;
      return {
        columns: cols('id:ID,user_id:User,account:Account,state:State,images:Images,created_at:Created,scheduled_at:Scheduled,container_id:Container,media_id:Media,published_at:Published,error_reason:Error,job_state:Publish job,job_error:Job error,permalink:Link'),
        rows: await listPosts(sql, state, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'payments',
    async load(sql, q, limit) {
      return {
        columns: cols('charge_id:Charge,created_at:Paid,user_id:User,username:Username,plan:Plan,kind:Kind,amount:Stars,is_recurring:Renewal,paid_until:Paid until,source:Recorded from,refunded_at:Refunded,refund_source:Refunded by,status:Matched,unmatched_reason:Why unmatched'),
        // 'unmatched': charges that paid for nothing we sold, for an admin to refund (/admin_refund).
        rows: await listPayments(sql, q.get('only') === 'refunded' ? 'refunded' : q.get('only') === 'unmatched' ? 'unmatched' : 'all', limit) as unknown as Record<string, unknown>[],
      };
    },
  },
  {
    name: 'subscriptions',
    async load(sql, _q, limit) {
      return {
        columns: cols('id:ID,user_id:User,username:Username,plan:Plan,state:State,canceled_by_bot:Renewal turned off,expires_at:Ends'),
        rows: await listEndingSubscriptions(sql, 7, limit) as unknown as Record<string, unknown>[],
      };
    },
  },
];
