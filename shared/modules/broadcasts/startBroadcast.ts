import { atomically } from '../../db/atomically.js';
import type { Queryable } from '../../db/Queryable.js';
import { broadcastProgressJob } from './broadcastProgressJob.js';
import { broadcastSendJob } from './broadcastSendJob.js';
import { enqueue, enqueueMany } from '../../queue/enqueue.js';

/**
 * Plans a confirmed draft, in one transaction: the broadcast becomes running, one delivery row
 * per recipient (active groups, or users who have not blocked the bot) with its debug code,
 * one send job per delivery, and the progress job. Either all of it exists or none: a crash
 * cannot leave recipients without jobs, nor jobs without their rows.
 *
 * With no recipient the broadcast is finished at once (no jobs). Returns the number of recipients, or `null` if the draft was no longer a draft (a double
 * press of the button).
 */
export async function startBroadcast(sql: Queryable, id: number, adminUserId: number, progressMessageId: number): Promise<number | null> {
  return atomically(sql, async (tx) => {
    const [b] = await tx<{ audience: 'groups' | 'users' }[]>`
      update broadcasts set state = 'running', started_at = now(), progress_message_id = ${progressMessageId}
      where id = ${id} and admin_user_id = ${adminUserId} and state = 'draft' and audience is not null
      returning audience`;
    if (!b) return null;
    // The debug code is the delivery id in hex: unique without a retry loop, short ("#b003e8").
    // Padded to at least five digits, never cut: lpad alone truncates, so from id 1,048,576
    // (0x100000) codes repeated earlier ones and sent_messages' unique code refused them.
    const recipients = b.audience === 'groups'
      ? tx`select chat_id from groups where active order by id`
      : tx`select id as chat_id from users where unreachable_since is null and banned_at is null order by id`;
    const inserted = await tx<{ id: number }[]>`
      insert into broadcast_deliveries (broadcast_id, chat_id, debug_code)
      select ${id}, r.chat_id, '' from (${recipients}) r
      returning id`;
    await tx`update broadcast_deliveries set debug_code = 'b' || lpad(to_hex(id), greatest(5, length(to_hex(id))), '0') where broadcast_id = ${id}`;
    // Nobody to send to: finished here, in the same transaction, so no second writer (and no
    // progress job) ever touches it.
    if (inserted.length === 0) {
      await tx`update broadcasts set state = 'finished', finished_at = now() where id = ${id}`;
      return 0;
    }
    await enqueueMany(tx, broadcastSendJob, [...inserted].sort((a, b) => a.id - b.id).map((d) => ({ payload: { deliveryId: d.id }, dedupeKey: `broadcast_send:${d.id}` })));
    await enqueue(tx, broadcastProgressJob, { broadcastId: id, tick: 0 }, { dedupeKey: `broadcast_progress:${id}:0` });
    return inserted.length;
  });
}
