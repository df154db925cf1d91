import type { Api } from 'grammy';
import type { BotSettings } from '../../bot/botSettings.js';
import { classifySendError } from './classifySendError.js';
import { markFailed, markPending, markSending, markSent, markUnknown, moveDelivery, readDelivery } from './deliveryStates.js';
import { delayAllSends, reserveSendSlot } from './reserveSendSlot.js';
import { sendBroadcastCopy } from './sendBroadcastCopy.js';
import { sleep } from '../../sleep.js';
import { migrateGroup } from '../groups/migrateGroup.js';
import { deactivateGroup } from '../groups/setGroupActive.js';
import { setUserReachable } from '../users/setUserReachable.js';
import { tellUser } from '../users/tellUser.js';
import { broadcastSendJob } from './broadcastSendJob.js';
import { jobHandler } from '../../queue/jobHandler.js';

// Telegram counts messages as they arrive, and senders wake from timers with a millisecond or
// two of jitter, so a gap of exactly 1000/30 ms lets a late send and an early one 30 slots on
// fall into one second: a 429. 3% more gap absorbs 30 ms of jitter at 30/s (1,000 sends take
// 34.3 s instead of 33.3 s). Measured with test/groups/broadcastRate.test.ts on PostgreSQL:
// exact gaps plus waits relative to the query's answer gave 47 429s; 2% with a 10 ms
// tolerance one 429 (an arrival 25 ms late after the check); 3% and 5 ms none, 34.4 s.
const SLOT_MARGIN = 1.03;
// How late a send may leave after its slot. Slots are 1000/rate × 1.03 apart, so 30 of them
// span 1,030 ms at 30/s: a send that leaves 5 ms late and arrives up to ~20 ms later still
// leaves 30 sends in more than a second.
const LATE_TOLERANCE_MS = 5;
// How far ahead a global slot is at least (reserveSendSlot's leadMs): time for the answer to
// arrive and the delivery to be marked sending before the slot, on a loaded machine too.
// Answers 15 ms late each missed an idle slot every time (test/groups/broadcastSendSlot.test.ts).
const SLOT_LEAD_MS = 100;
// Slots one run may miss (woke too late) before it sends late anyway: a late send risks a
// 429, which is handled (every sender waits retry_after); a run that never sends is not.
const MAX_MISSED_SLOTS = 5;
// 429s within one job before it gives up its worker slot and lets the queue's backoff retry it.
const MAX_RATE_LIMITED = 5;

/**
 * Sends one broadcast copy, never twice: the delivery is marked `sending` (committed) right
 * before the Bot API call. A run that finds it `sending` knows an earlier run died during the
 * call, with an outcome nobody can know (Telegram has no idempotency key), and marks it
 * `unknown` instead of sending again.
 *
 * Pacing: the run reserves the group's slot (at most 20 a minute there) and the global slot
 * (the broadcast rate, shared by every replica and broadcast), sleeping until each. The
 * worker renews the job's lease meanwhile. The raw `api` has no automatic retries: a 429
 * pushes every sender back by `retry_after`, a 5xx puts the delivery back to pending and
 * throws for the queue's backoff, and the errors that mean a group or user is gone are final.
 */
export function broadcastSendHandler(deps: { api: Api; notifyApi: Api; settings: BotSettings }) {
  const globalIntervalMs = (1000 / deps.settings.broadcast.messagesPerSecond) * SLOT_MARGIN;
  const chatIntervalMs = 60_000 / deps.settings.broadcast.groupMessagesPerMinute;
  return jobHandler(broadcastSendJob, async ({ deliveryId }, ctx) => {
    const { sql, log, signal } = ctx;
    // The group's slot this run holds: after a missed global slot (or a 429) the copy still
    // has not gone to the group, so the slot stays good for a while, and taking a new one
    // would cost 3 s per miss (20 a minute): under load that slowed a broadcast to a crawl.
    let heldChat: { chatId: number; until: number } | null = null;
    for (let rateLimited = 0, missed = 0; ;) {
      const delivery = await readDelivery(sql, deliveryId);
      if (!delivery) return;
      if (delivery.state === 'sending') {
        await markUnknown(sql, deliveryId, 'a worker stopped during the send; not resent');
        return void log.warn({ chat_id: delivery.chatId }, 'broadcast send in flight when a worker died: outcome unknown');
      }
      if (delivery.state !== 'pending') return;

      const held: boolean = heldChat !== null && heldChat.chatId === delivery.chatId && Date.now() < heldChat.until;
      const chat: { chatId: number; intervalMs: number } | undefined = delivery.audience === 'groups' && !held ? { chatId: delivery.chatId, intervalMs: chatIntervalMs } : undefined;
      let slot = await reserveSendSlot(sql, { globalIntervalMs, leadMs: SLOT_LEAD_MS, chat });
      // Good until half an interval after it. Slots are an interval apart, so a send up to half
      // an interval late still leaves at most 21 copies in any 60 s window, as sends exactly
      // on their slots do (60 s / 3 s + 1); a whole interval late could make it 22.
      if (chat) heldChat = { chatId: chat.chatId, until: slot.chatAt + chatIntervalMs / 2 };
      if (slot.globalAt === null) {
        await sleep(slot.chatAt - Date.now(), signal);
        slot = await reserveSendSlot(sql, { globalIntervalMs, leadMs: SLOT_LEAD_MS });
      }
      const sendAt = slot.globalAt!;
      // Marked before the last sleep, not after it: a database round trip between waking and
      // sending added its varying latency to every send (slots were missed by the hundred).
      // A worker killed during this sleep leaves an unsent delivery 'unknown'; such
      // deliveries are still within "in flight", and never sent twice.
      // Not pending any more (cancelled, or another run took it): read again and decide.
      if (!(await markSending(sql, deliveryId))) continue;
      try {
        await sleep(sendAt - Date.now(), signal);
      } catch (err) {
        await markPending(sql, deliveryId, 'stopped before its send slot');
        throw err;
      }
      const late = Date.now() > sendAt + LATE_TOLERANCE_MS;
      if (late && ++missed <= MAX_MISSED_SLOTS) {
        // Woke too late (a busy event loop): sending now would bunch with the next slots'
        // sends. Give the slot up and take a new one.
        await markPending(sql, deliveryId, 'missed its send slot');
        continue;
      }
      if (late) log.warn({ chat_id: delivery.chatId, late_ms: Date.now() - sendAt }, 'broadcast send late: slots kept being missed, sending anyway');
      let messageId: number;
      try {
        messageId = (await sendBroadcastCopy(deps.api, delivery)).message_id;
      } catch (err) {
        const failure = classifySendError(err);
        const description = err instanceof Error ? err.message : String(err);
        log.info({ chat_id: delivery.chatId, failure }, 'broadcast send failed');
        switch (failure.kind) {
          case 'rate_limited':
            await markPending(sql, deliveryId, description);
            await delayAllSends(sql, failure.retryAfter);
            if (++rateLimited < MAX_RATE_LIMITED) continue;
            if (ctx.job.attempts >= ctx.job.max_attempts) return void (await markFailed(sql, deliveryId, 'retries_exhausted', description));
            throw err;
          case 'migrated':
            await markPending(sql, deliveryId, description);
            await migrateGroup(sql, delivery.chatId, failure.newChatId);
            await moveDelivery(sql, deliveryId, failure.newChatId);
            continue;
          case 'group_gone': {
            await markFailed(sql, deliveryId, failure.reason, description);
            const { withdrawnFrom } = await deactivateGroup(sql, delivery.chatId, failure.reason);
            if (withdrawnFrom !== null) {
              const title = (await sql<{ title: string }[]>`select title from groups where chat_id = ${delivery.chatId}`)[0]?.title ?? '';
              await tellUser(sql, deps.notifyApi, log, withdrawnFrom, (t) => t('unlimited_withdrawn', { reason: t(`deactivated_${failure.reason}`), title }));
            }
            return;
          }
          case 'user_gone':
            await markFailed(sql, deliveryId, failure.reason, description);
            await setUserReachable(sql, delivery.chatId, false);
            return;
          case 'transient':
            if (ctx.job.attempts >= ctx.job.max_attempts) return void (await markFailed(sql, deliveryId, 'retries_exhausted', description));
            await markPending(sql, deliveryId, description);
            throw err;
          case 'ambiguous':
            return void (await markUnknown(sql, deliveryId, description));
          case 'rejected':
            return void (await markFailed(sql, deliveryId, 'rejected', failure.description));
        }
      }
      await markSent(sql, deliveryId, messageId);
      return;
    }
  });
}
