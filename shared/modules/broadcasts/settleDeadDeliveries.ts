import type { Queryable } from '../../db/Queryable.js';

/**
 * Settles a broadcast's unsettled deliveries that no live job will ever settle: their
 * `broadcast_send` job is dead (`failed`) or gone. A `sending` one may have been delivered, so
 * it becomes `unknown` (never resent); a `pending` one was not, so it `failed` with reason
 * `send_job_died`. With `giveUp` (nothing moved for too long) every unsettled delivery is
 * settled that way, live job or not, reason `stalled`: a job still running may yet mark its
 * copy sent (markSent accepts `unknown`), and markSending never takes a failed one.
 *
 * A send job that dies with its delivery unsettled (killed on its last attempt, a database
 * error on its last attempt, a unique clash in moveDelivery after a migration) used to keep
 * the progress chain editing the admin's message every 2 s forever. Jobs are found by payload
 * (the jobs table holds only live and dead work, so the anti-join is over little), not by
 * dedupe key, which the queue may free when a job dies. Returns how many were settled.
 */
export async function settleDeadDeliveries(sql: Queryable, broadcastId: number, options: { giveUp?: boolean } = {}): Promise<number> {
  const giveUp = options.giveUp === true;
  const reason = giveUp ? 'stalled' : 'send_job_died';
  const rows = await sql`
    update broadcast_deliveries d set
      state = case when d.state = 'sending' then 'unknown' else 'failed' end,
      failure_reason = case when d.state = 'sending' then d.failure_reason else ${reason} end,
      error = ${giveUp ? 'no progress for an hour: given up' : 'its send job died; not resent'},
      updated_at = now()
    where d.broadcast_id = ${broadcastId} and d.state in ('pending', 'sending')
      and (${giveUp} or not exists (
        select 1 from jobs j
        where j.type = 'broadcast_send' and j.state <> 'failed' and (j.payload->>'deliveryId')::bigint = d.id))
    returning d.id`;
  return rows.length;
}
