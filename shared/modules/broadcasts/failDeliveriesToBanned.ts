import type { Queryable } from '../../db/Queryable.js';

/**
 * A user banned while a users broadcast runs gets no copy of it: their pending deliveries of
 * running broadcasts fail with reason `banned` (their send jobs then find nothing pending). One
 * already `sending` is left: its call to Telegram may be under way. Run in the ban's
 * transaction (banUser). Returns how many were failed.
 */
export async function failDeliveriesToBanned(sql: Queryable, userId: number): Promise<number> {
  const rows = await sql`
    update broadcast_deliveries d set state = 'failed', failure_reason = 'banned', error = 'the user was banned', updated_at = now()
    from broadcasts b
    where d.broadcast_id = b.id and b.audience = 'users' and b.state = 'running' and d.chat_id = ${userId} and d.state = 'pending'
    returning d.id`;
  return rows.length;
}
