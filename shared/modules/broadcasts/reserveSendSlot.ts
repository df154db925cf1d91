import type { Queryable } from '../../db/Queryable.js';

/** Reserved send times, in epoch milliseconds of the database's clock. */
export interface SendSlot {
  /** The chat's slot; if it is still ahead, the global slot was not reserved yet. */
  chatAt: number;
  /** The global slot, or `null` when the chat's slot is still ahead. */
  globalAt: number | null;
}

/**
 * Reserves when the next message may go out, shared by every worker replica and every
 * running broadcast: one row per key in `send_slots` moves forward by `interval` per
 * reservation (`next_at = greatest(next_at, now) + interval`), atomically under the row lock,
 * so no two senders ever get the same slot. Telegram counts what arrives, so a sender sleeps
 * until its slot and sends at once.
 *
 * With a chat key, the chat's slot is reserved first (at most 20 a minute to one group); only
 * if it is due now is the global slot reserved in the same statement. Otherwise the caller
 * sleeps until the chat's slot and calls again without the chat key: reserving the global
 * slot early would waste it while the sender waits for the chat.
 *
 * Slots are absolute times on the database's clock (`clock_timestamp()`), which senders sleep
 * until on their own clock. Not "wait N ms" relative to the answer: under load a reservation
 * takes tens of milliseconds to come back, and that latency varies, which bunched sends into
 * 429s. Hosts kept in sync by NTP agree within a few milliseconds, which the slot margin
 * absorbs (see broadcastSendHandler.ts).
 *
 * The global slot is never earlier than `leadMs` from the reservation: when nobody is sending,
 * the slot was "now", and by the time the answer arrived and the delivery was marked sending,
 * a loaded machine was already past it; the sender gave it up as missed and reserved another
 * "now", for ever (test/groups/broadcastRate.test.ts stuck at 997 of 1,000 under load). With a
 * lead the sender has that time in hand; while sends are queued up the slots are ahead anyway.
 */
export async function reserveSendSlot(sql: Queryable, options: { globalIntervalMs: number; leadMs?: number; chat?: { chatId: number; intervalMs: number } }): Promise<SendSlot> {
  const chatKey = options.chat ? `chat:${options.chat.chatId}` : null;
  const chatInterval = `${options.chat?.intervalMs ?? 0} milliseconds`;
  const globalInterval = `${options.globalIntervalMs} milliseconds`;
  const lead = `${options.leadMs ?? 0} milliseconds`;
  const [row] = await sql<{ chat_at: number; global_at: number | null }[]>`
    with chat as (
      insert into send_slots as s (key, next_at)
      select ${chatKey}, clock_timestamp() + ${chatInterval}::interval where ${chatKey}::text is not null
      on conflict (key) do update set next_at = greatest(s.next_at, clock_timestamp()) + ${chatInterval}::interval
      returning next_at - ${chatInterval}::interval as slot
    ),
    global as (
      insert into send_slots as s (key, next_at)
      select 'global', clock_timestamp() + ${lead}::interval + ${globalInterval}::interval
      where coalesce((select slot from chat), '-infinity') <= clock_timestamp()
      on conflict (key) do update set next_at = greatest(s.next_at, clock_timestamp() + ${lead}::interval) + ${globalInterval}::interval
      returning next_at - ${globalInterval}::interval as slot
    )
    select
      coalesce(extract(epoch from (select slot from chat)) * 1000, 0)::float8 as chat_at,
      (extract(epoch from (select slot from global)) * 1000)::float8 as global_at`;
  return { chatAt: row!.chat_at, globalAt: row!.global_at };
}

/**
 * After a 429: no broadcast sends anything before `retry_after` has passed. Pushes the
 * global slot forward (never back), so every sender on every replica waits.
 */
export async function delayAllSends(sql: Queryable, retryAfterSeconds: number): Promise<void> {
  await sql`
    insert into send_slots as s (key, next_at) values ('global', clock_timestamp() + ${`${retryAfterSeconds} seconds`}::interval)
    on conflict (key) do update set next_at = greatest(s.next_at, excluded.next_at)`;
}
