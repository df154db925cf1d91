import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { recordAudit } from '../audit/recordAudit.js';

/** A broadcast's deliveries by state ({@link deliveryCounts}). */
export interface DeliveryCounts {
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  unknown: number;
  cancelled: number;
  /** Failed deliveries by `failure_reason` (`unknown` where none was recorded). */
  failures: Record<string, number>;
}

/** Where a broadcast stands. */
export interface BroadcastProgress extends DeliveryCounts {
  id: number;
  state: 'draft' | 'running' | 'finished' | 'cancelled';
  audience: 'groups' | 'users';
  adminChatId: number;
  adminLocale: string;
  progressMessageId: number | null;
  reported: boolean;
  /** The final report's record: `sending` while (or since) a run is sending it. */
  reportState: 'sending' | 'sent' | 'unknown' | null;
}

/**
 * The deliveries of the broadcast aliased `b`, counted by state and their failures by reason,
 * as a lateral subquery named `c` (`from broadcasts b cross join ${deliveryCounts(sql)}`): one
 * definition for the progress report and the dashboard's list, which must agree. A failed
 * delivery with no reason counts as `unknown` (jsonb_object_agg refuses a null key, and a
 * report that throws is worse than one that says it does not know).
 */
export function deliveryCounts(sql: Queryable) {
  return sql`lateral (
    select count(*)::int as total,
      count(*) filter (where d.state = 'pending')::int as pending,
      count(*) filter (where d.state = 'sending')::int as sending,
      count(*) filter (where d.state = 'sent')::int as sent,
      count(*) filter (where d.state = 'failed')::int as failed,
      count(*) filter (where d.state = 'unknown')::int as unknown,
      count(*) filter (where d.state = 'cancelled')::int as cancelled,
      coalesce((select jsonb_object_agg(reason, n) from (
        select coalesce(failure_reason, 'unknown') as reason, count(*)::int as n from broadcast_deliveries
        where broadcast_id = b.id and state = 'failed' group by 1) f), '{}') as failures
    from broadcast_deliveries d where d.broadcast_id = b.id) c`;
}

/** Counts a broadcast's deliveries by state and its failures by reason ({@link deliveryCounts}). */
export async function readBroadcastProgress(sql: Queryable, id: number): Promise<BroadcastProgress | null> {
  const [row] = await sql<BroadcastProgress[]>`
    select b.id, b.state, b.audience, b.admin_chat_id as "adminChatId", b.admin_locale as "adminLocale",
      b.progress_message_id as "progressMessageId", b.finished_at is not null as reported,
      b.report_state as "reportState", c.*
    from broadcasts b cross join ${deliveryCounts(sql)}
    where b.id = ${id}`;
  return row ?? null;
}

/** Who pressed Stop, for the audit log: the operator, and where (the bot's button or the dashboard). */
export interface BroadcastStopper {
  actorId: number;
  via: 'bot' | 'dashboard';
}

/**
 * Stops a running broadcast: every pending delivery is cancelled at once; sends already in
 * flight finish (their jobs find nothing pending afterwards). The stop and its audit record
 * (`broadcast.stop`) are one transaction, the caller's when it passes one (a bot update's): a
 * broadcast is never stopped without its record, nor recorded as stopped when it was not. True
 * also when it was stopped already and not yet reported (a second press, a redelivered one),
 * which records nothing again. False if it was not running.
 */
export async function cancelBroadcast(sql: Queryable, id: number, adminUserId: number, stopper: BroadcastStopper): Promise<boolean> {
  return atomically(sql, async (tx) => {
    const [stop] = await tx<{ stopped: boolean; cancelled: number }[]>`
      with b as (update broadcasts set state = 'cancelled' where id = ${id} and admin_user_id = ${adminUserId} and state = 'running' returning id),
      d as (update broadcast_deliveries set state = 'cancelled', updated_at = now()
        where broadcast_id = (select id from b) and state = 'pending' returning 1)
      select exists (select 1 from b) as stopped, (select count(*) from d)::int as cancelled`;
    if (stop!.stopped) {
      await recordAudit(tx, { actorId: stopper.actorId, action: 'broadcast.stop',
        details: { broadcast_id: id, cancelled_deliveries: stop!.cancelled, via: stopper.via } });
      return true;
    }
    return (await tx`select 1 from broadcasts where id = ${id} and state = 'cancelled' and finished_at is null`).length > 0;
  });
}

/**
 * Claims the sending of a settled broadcast's report, committed before the Bot API call: only
 * the run that sets `report_state = 'sending'` sends it, however many runs race. False when
 * another run has claimed it, or it is not running or cancelled.
 */
export async function claimReport(sql: Queryable, id: number): Promise<boolean> {
  const rows = await sql`
    update broadcasts set report_state = 'sending'
    where id = ${id} and report_state is null and finished_at is null and state in ('running', 'cancelled') returning id`;
  return rows.length > 0;
}

/** Telegram refused the report (nothing was delivered): the claim is given back for the retry. */
export async function releaseReport(sql: Queryable, id: number): Promise<void> {
  await sql`update broadcasts set report_state = null where id = ${id} and report_state = 'sending' and finished_at is null`;
}

/**
 * The report was sent (`sent`), or a run found it claimed by one that died mid-call
 * (`unknown`): the broadcast is finished and reported, and no run sends the report again.
 */
export async function finishReport(sql: Queryable, id: number, outcome: 'sent' | 'unknown'): Promise<void> {
  await sql`
    update broadcasts set report_state = ${outcome}, finished_at = now(), state = case when state = 'running' then 'finished' else state end
    where id = ${id} and report_state = 'sending' and finished_at is null`;
}
