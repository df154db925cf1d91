import type { Api } from 'grammy';
import type { StarTransaction } from 'grammy/types';
import type { Sql } from '../../db/createSql.js';
import type { Logger } from '../../logger.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { planNoticeJob } from '../plans/planNoticeJob.js';
import { recordRefund } from './recordRefund.js';
import { type LateChargeReason, recordStarPayment } from './recordStarPayment.js';

/** getStarTransactions returns at most 100 a call. */
const PAGE = 100;

export interface Reconciliation {
  /** Charges found at Telegram that we had not recorded, now recorded and granted. */
  granted: string[];
  /** Refunds found at Telegram that we had not recorded, now ending their plans. */
  refunded: string[];
  /** Charges that match nothing we sold: recorded as 'unmatched' (refundable), reported once, not granted. */
  unknown: string[];
  /**
   * Charges found too late to grant (recordStarPayment's 'recorded': a period already past, a
   * plan granted since, a lower plan, or one that would end the user's plan sooner): recorded,
   * the plan in force kept, reported once for an admin to refund.
   */
  recorded: { chargeId: string; reason: LateChargeReason }[];
  /** The offsets this run asked getStarTransactions for, in order. */
  offsets: number[];
}

interface UserPartner { type: 'user'; transaction_type?: string; user: { id: number; first_name: string; username?: string; language_code?: string }; invoice_payload?: string; subscription_period?: number }

const userPartner = (p: unknown): UserPartner | undefined =>
  typeof p === 'object' && p !== null && (p as { type?: string }).type === 'user' ? (p as UserPartner) : undefined;

/**
 * How far back each run re-reads, counted from the newest transaction it read before: 3 days.
 *
 * Why re-read at all. A refund is a transaction of its own: `receiver` is the user, its `id` the
 * charge's (the reference's StarTransaction notes; the emulator lists it at the refund's date),
 * so a refund of an old charge normally comes after anything already read and a cursor alone
 * would see it. But the order is by date, and Telegram does not document which date a late
 * entry carries: a refund or chargeback recorded a while after the fact may be listed at (or
 * near) its charge's time, entries of one second may come in another order on the next call,
 * and an entry can be listed late. Re-reading the last 3 days catches those within the
 * window; the anchor check (below) catches anything that moved the list before it, by reading
 * it all again. 3 days is three daily runs, so a run or two that failed (Telegram down) still
 * leave the window overlapping; the cost is about 3 days of transactions a day, bounded.
 */
export const RECONCILE_WINDOW_S = 3 * 86_400;

/** A transaction as the cursor remembers it: enough to tell whether the list moved. */
const fingerprint = (t: StarTransaction) => `${t.id}:${t.source ? 'in' : t.receiver ? 'out' : '-'}:${t.date}:${t.amount}`;

interface Cursor { start_offset: number; anchor: string }

/** Pages of 100 from `offset` to the end of the list. */
async function readFrom(api: Api, offset: number, offsets: number[]): Promise<StarTransaction[]> {
  const out: StarTransaction[] = [];
  for (let at = offset; ; at += PAGE) {
    offsets.push(at);
    const page = await api.getStarTransactions({ offset: at, limit: PAGE });
    out.push(...page.transactions);
    if (page.transactions.length < PAGE) return out;
  }
}

/**
 * Reads the Star transactions (chronological, 100 a page) from the cursor on and settles what
 * we missed: an incoming invoice payment whose charge id we do not have is recorded as if
 * successful_payment had come (its subscription's end is the charge date plus its period); an
 * outgoing one to a user (a refund: its id is the charge's) marks the charge refunded and ends
 * its plan. Each settles in its own transaction with the same functions the updates use, so a
 * charge that the update records meanwhile is still granted once.
 *
 * The cursor (star_transaction_cursor) starts the read at the first transaction of the last
 * RECONCILE_WINDOW_S read before, not at 0. If the transaction found there is not the one
 * remembered (something was added or removed before it), or nothing is there, the run reads
 * everything from 0. The cursor moves only after everything read was settled: a run that fails
 * halfway reads the same again next time, which is safe (each settlement is idempotent).
 */
export async function reconcileStars(deps: { api: Api; sql: Sql; log: Logger }): Promise<Reconciliation> {
  const result: Reconciliation = { granted: [], refunded: [], unknown: [], recorded: [], offsets: [] };
  const [cursor] = await deps.sql<Cursor[]>`select start_offset, anchor from star_transaction_cursor`;
  let from = cursor?.start_offset ?? 0;
  let transactions = await readFrom(deps.api, from, result.offsets);
  if (cursor && from > 0 && (transactions.length === 0 || fingerprint(transactions[0]!) !== cursor.anchor)) {
    deps.log.warn({ offset: from }, 'Star transactions changed before the reconciliation window: reading them all');
    from = 0;
    transactions = await readFrom(deps.api, 0, result.offsets);
  }
  const ids = [...new Set(transactions.map((t) => t.id))];
  const known = new Map((await deps.sql<{ charge_id: string; refunded: boolean }[]>`
    select charge_id, refunded_at is not null as refunded from star_payments where charge_id = any(${ids})`).map((r) => [r.charge_id, r.refunded]));
  // A charge refunded before we ever heard of it is owed nothing: it is not granted.
  const refundedAtTelegram = new Set(transactions.filter((t) => userPartner(t.receiver)).map((t) => t.id));
  for (const tx of transactions) {
    const incoming = userPartner(tx.source);
    if (incoming && incoming.transaction_type === 'invoice_payment' && !known.has(tx.id) && !refundedAtTelegram.has(tx.id)) {
      const recorded = await deps.sql.begin(async (sql) => {
        const r = await recordStarPayment(sql, {
          userId: incoming.user.id, chargeId: tx.id, amount: tx.amount, currency: 'XTR', payload: incoming.invoice_payload ?? '',
          expiresAt: incoming.subscription_period ? tx.date + incoming.subscription_period : undefined,
          source: 'reconciliation', at: new Date(tx.date * 1000), payer: incoming.user,
        });
        if (r.status === 'granted') {
          await recordAudit(sql, { actorId: null, action: 'payment.reconciled', subjectUserId: incoming.user.id, details: { charge_id: tx.id, found: 'payment' } });
          await enqueue(sql, planNoticeJob, { userId: incoming.user.id, notice: 'granted', plan: r.paidPlan, date: r.until.toISOString() },
            { dedupeKey: `plan_notice:granted:${tx.id}` });
        }
        if (r.status === 'recorded') {
          await recordAudit(sql, { actorId: null, action: 'payment.reconciled', subjectUserId: incoming.user.id,
            details: { charge_id: tx.id, found: 'payment', granted: false, reason: r.reason, plan_kept: r.plan.plan, renewal_stopped: r.stoppedRenewal } });
        }
        return r;
      });
      if (recorded.status === 'granted' || recorded.status === 'kept') { result.granted.push(tx.id); known.set(tx.id, false); }
      if (recorded.status === 'superseded') known.set(tx.id, false);
      if (recorded.status === 'recorded') { result.recorded.push({ chargeId: tx.id, reason: recorded.reason }); known.set(tx.id, false); }
      if (recorded.status === 'unknown') { result.unknown.push(tx.id); known.set(tx.id, false); }
      continue;
    }
    const outgoing = userPartner(tx.receiver);
    if (outgoing && known.has(tx.id) && known.get(tx.id) === false) {
      const refunded = await deps.sql.begin(async (sql) => {
        const r = await recordRefund(sql, { chargeId: tx.id, source: 'reconciliation' });
        if (r.status === 'refunded') {
          await recordAudit(sql, { actorId: null, action: 'payment.reconciled', subjectUserId: r.payment.user_id, details: { charge_id: tx.id, found: 'refund' } });
        }
        return r.status;
      });
      if (refunded === 'refunded') result.refunded.push(tx.id);
      known.set(tx.id, true);
    }
  }
  await moveCursor(deps.sql, from, transactions);
  return result;
}

/** The next run starts at the first transaction read within RECONCILE_WINDOW_S of the newest. */
async function moveCursor(sql: Sql, from: number, transactions: StarTransaction[]) {
  const newest = transactions.at(-1);
  if (!newest) return;
  const index = Math.max(0, transactions.findIndex((t) => t.date >= newest.date - RECONCILE_WINDOW_S));
  const start = transactions[index]!;
  await sql`
    insert into star_transaction_cursor (start_offset, anchor, newest_at, seen)
    values (${from + index}, ${fingerprint(start)}, ${new Date(newest.date * 1000)}, ${from + transactions.length})
    on conflict (id) do update set start_offset = excluded.start_offset, anchor = excluded.anchor,
      newest_at = excluded.newest_at, seen = excluded.seen, updated_at = now()`;
}

