import type { Queryable } from '../../db/Queryable.js';

/** Where a broadcast stands. */
export interface BroadcastProgress {
  id: number;
  state: 'draft' | 'running' | 'finished' | 'cancelled';
  audience: 'groups' | 'users';
  adminChatId: number;
  adminLocale: string;
  progressMessageId: number | null;
  reported: boolean;
  /** The final report's record: `sending` while (or since) a run is sending it. */
  reportState: 'sending' | 'sent' | 'unknown' | null;
  total: number;
  pending: number;
  sending: number;
  sent: number;
  failed: number;
  unknown: number;
  cancelled: number;
  /** Failed deliveries by `failure_reason`. */
  failures: Record<string, number>;
}

/** Counts a broadcast's deliveries by state and its failures by reason. */
export async function readBroadcastProgress(sql: Queryable, id: number): Promise<BroadcastProgress | null> {
  const [row] = await sql<BroadcastProgress[]>`
    select b.id, b.state, b.audience, b.admin_chat_id as "adminChatId", b.admin_locale as "adminLocale",
      b.progress_message_id as "progressMessageId", b.finished_at is not null as reported,
      b.report_state as "reportState",
      count(d.id)::int as total,
      count(d.id) filter (where d.state = 'pending')::int as pending,
      count(d.id) filter (where d.state = 'sending')::int as sending,
      count(d.id) filter (where d.state = 'sent')::int as sent,
      count(d.id) filter (where d.state = 'failed')::int as failed,
      count(d.id) filter (where d.state = 'unknown')::int as unknown,
      count(d.id) filter (where d.state = 'cancelled')::int as cancelled,
      coalesce((select jsonb_object_agg(reason, n) from (
        select failure_reason as reason, count(*)::int as n from broadcast_deliveries
        where broadcast_id = b.id and state = 'failed' group by failure_reason) f), '{}') as failures
    from broadcasts b left join broadcast_deliveries d on d.broadcast_id = b.id
    where b.id = ${id}
    group by b.id`;
  return row ?? null;
}

/**
 * Stops a running broadcast: every pending delivery is cancelled at once; sends already in
 * flight finish (their jobs find nothing pending afterwards). False if it was not running.
 */
export async function cancelBroadcast(sql: Queryable, id: number, adminUserId: number): Promise<boolean> {
  const rows = await sql`
    with b as (update broadcasts set state = 'cancelled' where id = ${id} and admin_user_id = ${adminUserId} and state = 'running' returning id)
    update broadcast_deliveries set state = 'cancelled', updated_at = now()
    where broadcast_id = (select id from b) and state = 'pending'
    returning (select id from b)`;
  if (rows.length > 0) return true;
  return (await sql`select 1 from broadcasts where id = ${id} and state = 'cancelled' and finished_at is null`).length > 0;
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
