import type { MessageEntity } from 'grammy/types';
import type { Queryable } from '../../db/Queryable.js';
import type { FailureReason } from './failureReasons.js';

/** A delivery with what to send. */
export interface Delivery {
  id: number;
  broadcastId: number;
  chatId: number;
  state: 'pending' | 'sending' | 'sent' | 'failed' | 'unknown' | 'cancelled';
  debugCode: string;
  audience: 'groups' | 'users';
  text: string | null;
  entities: MessageEntity[] | null;
  photoFileId: string | null;
  adminUserId: number;
}

/** Reads a delivery and its broadcast's content; `null` if it is gone. */
export async function readDelivery(sql: Queryable, id: number): Promise<Delivery | null> {
  const [row] = await sql<Delivery[]>`
    select d.id, d.broadcast_id as "broadcastId", d.chat_id as "chatId", d.state, d.debug_code as "debugCode",
      b.audience, b.text, b.entities, b.photo_file_id as "photoFileId", b.admin_user_id as "adminUserId"
    from broadcast_deliveries d join broadcasts b on b.id = d.broadcast_id
    where d.id = ${id}`;
  return row ?? null;
}

/**
 * pending → sending, committed before the Bot API call: whoever finds the row `sending` later
 * knows a call may have been made. Returns false if the delivery is no longer pending (the
 * admin cancelled, or another run handled it).
 */
export async function markSending(sql: Queryable, id: number): Promise<boolean> {
  const rows = await sql`
    update broadcast_deliveries set state = 'sending', attempts = attempts + 1, updated_at = now()
    where id = ${id} and state = 'pending' returning id`;
  return rows.length > 0;
}

/**
 * Sent: records the message id on the delivery and in `sent_messages`, in one statement.
 * Also from `unknown` (a run that overlapped the one that gave up on it learns the outcome).
 */
export async function markSent(sql: Queryable, id: number, messageId: number): Promise<void> {
  await sql`
    with sent as (
      update broadcast_deliveries set state = 'sent', message_id = ${messageId}, error = null, updated_at = now()
      where id = ${id} and state in ('sending', 'unknown')
      returning id, broadcast_id, chat_id, debug_code
    )
    insert into sent_messages (chat_id, message_id, debug_code, broadcast_id, delivery_id)
    select chat_id, ${messageId}, debug_code, broadcast_id, id from sent`;
}

/** sending → pending: Telegram answered with an error, so nothing was delivered and it may be sent again. */
export async function markPending(sql: Queryable, id: number, error: string): Promise<void> {
  await sql`update broadcast_deliveries set state = 'pending', error = ${error}, updated_at = now() where id = ${id} and state = 'sending'`;
}

/** A final failure, with a stable reason for the report and Telegram's words. */
export async function markFailed(sql: Queryable, id: number, reason: FailureReason, error: string): Promise<void> {
  await sql`
    update broadcast_deliveries set state = 'failed', failure_reason = ${reason}, error = ${error}, updated_at = now()
    where id = ${id} and state in ('pending', 'sending')`;
}

/** The outcome cannot be known (a run died mid-call, or the connection broke mid-request): never resent. */
export async function markUnknown(sql: Queryable, id: number, error: string): Promise<void> {
  await sql`update broadcast_deliveries set state = 'unknown', error = ${error}, updated_at = now() where id = ${id} and state = 'sending'`;
}

/** A group moved to a new id: the delivery follows it (the caller moves the group itself). */
export async function moveDelivery(sql: Queryable, id: number, newChatId: number): Promise<void> {
  await sql`update broadcast_deliveries set chat_id = ${newChatId}, updated_at = now() where id = ${id}`;
}
