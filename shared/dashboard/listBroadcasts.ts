import { cancelBroadcast } from '../modules/broadcasts/broadcastProgress.js';
import type { Queryable } from '../db/Queryable.js';

/** A broadcast with its deliveries counted by state and its failures by reason. */
export interface BroadcastListRow {
  id: number;
  admin_user_id: number;
  audience: string;
  state: string;
  text: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  report_state: string | null;
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  unknown: number;
  cancelled: number;
  failures: Record<string, number>;
}

/** Broadcasts past their draft, newest first (the counts are those of readBroadcastProgress). */
export async function listBroadcasts(sql: Queryable, limit: number): Promise<BroadcastListRow[]> {
  return [...await sql<BroadcastListRow[]>`
    select b.id, b.admin_user_id, b.audience, b.state, left(b.text, 200) as text, b.created_at, b.started_at, b.finished_at, b.report_state,
      count(d.id)::int as total,
      count(d.id) filter (where d.state = 'pending')::int as pending,
      count(d.id) filter (where d.state = 'sending')::int as sending,
      count(d.id) filter (where d.state = 'sent')::int as sent,
      count(d.id) filter (where d.state = 'failed')::int as failed,
      count(d.id) filter (where d.state = 'unknown')::int as unknown,
      count(d.id) filter (where d.state = 'cancelled')::int as cancelled,
      coalesce((select jsonb_object_agg(reason, n) from (
        select coalesce(failure_reason, 'unknown') as reason, count(*)::int as n from broadcast_deliveries
        where broadcast_id = b.id and state = 'failed' group by 1) f), '{}') as failures
    from broadcasts b left join broadcast_deliveries d on d.broadcast_id = b.id
    where b.state <> 'draft'
    group by b.id order by b.id desc limit ${limit}`];
}

/**
 * Stops a running broadcast from the dashboard as its admin's Stop button does in Telegram
 * (cancelBroadcast: pending deliveries cancelled, sends in flight finish, the progress job then
 * reports it cancelled to the admin who composed it). False when it was not running.
 */
export async function stopBroadcast(sql: Queryable, id: number): Promise<boolean> {
  const [b] = await sql<{ admin_user_id: number; state: string }[]>`select admin_user_id, state from broadcasts where id = ${id}`;
  if (b?.state !== 'running') return false;
  return cancelBroadcast(sql, id, b.admin_user_id);
}
