import { type DeliveryCounts, cancelBroadcast, deliveryCounts } from '../modules/broadcasts/broadcastProgress.js';
import type { Queryable } from '../db/Queryable.js';

/** A broadcast with its deliveries counted by state and its failures by reason. */
export interface BroadcastListRow extends DeliveryCounts {
  id: number;
  admin_user_id: number;
  audience: string;
  state: string;
  text: string | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  report_state: string | null;
}

/** Broadcasts past their draft, newest first, their deliveries counted as readBroadcastProgress counts them. */
export async function listBroadcasts(sql: Queryable, limit: number): Promise<BroadcastListRow[]> {
  return [...await sql<BroadcastListRow[]>`
    select b.id, b.admin_user_id, b.audience, b.state, left(b.text, 200) as text, b.created_at, b.started_at, b.finished_at, b.report_state, c.*
    from broadcasts b cross join ${deliveryCounts(sql)}
    where b.state <> 'draft'
    order by b.id desc limit ${limit}`];
}

/**
 * Stops a running broadcast from the dashboard as its admin's Stop button does in Telegram
 * (cancelBroadcast: pending deliveries cancelled, sends in flight finish, the progress job then
 * reports it cancelled to the admin who composed it), with the audit record of who stopped it
 * in the same transaction. False when it was not running.
 */
export async function stopBroadcast(sql: Queryable, id: number, actorId: number): Promise<boolean> {
  const [b] = await sql<{ admin_user_id: number; state: string }[]>`select admin_user_id, state from broadcasts where id = ${id}`;
  if (b?.state !== 'running') return false;
  return cancelBroadcast(sql, id, b.admin_user_id, { actorId, via: 'dashboard' });
}
