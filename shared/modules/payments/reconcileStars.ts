import type { Api } from 'grammy';
import type { StarTransaction } from 'grammy/types';
import type { Sql } from '../../db/createSql.js';
import type { Logger } from '../../logger.js';
import { enqueue } from '../../queue/enqueue.js';
import { recordAudit } from '../audit/recordAudit.js';
import { planNoticeJob } from './planNoticeJob.js';
import { recordRefund } from './recordRefund.js';
import { recordStarPayment } from './recordStarPayment.js';

/** getStarTransactions returns at most 100 a call. */
const PAGE = 100;

export interface Reconciliation {
  /** Charges found at Telegram that we had not recorded, now recorded and granted. */
  granted: string[];
  /** Refunds found at Telegram that we had not recorded, now ending their plans. */
  refunded: string[];
  /** Charges for payloads that are not ours (reported, not granted). */
  unknown: string[];
}

interface UserPartner { type: 'user'; transaction_type?: string; user: { id: number }; invoice_payload?: string; subscription_period?: number }

const userPartner = (p: unknown): UserPartner | undefined =>
  typeof p === 'object' && p !== null && (p as { type?: string }).type === 'user' ? (p as UserPartner) : undefined;

/**
 * Reads every Star transaction (chronological, 100 a page) and settles what we missed: an
 * incoming invoice payment whose charge id we do not have is recorded as if successful_payment
 * had come (its subscription's end is the charge date plus its period); an outgoing one to a
 * user (a refund: its id is the charge's) marks the charge refunded and ends its plan. Each
 * settles in its own transaction with the same functions the updates use, so a charge that the
 * update records meanwhile is still granted once.
 */
export async function reconcileStars(deps: { api: Api; sql: Sql; log: Logger }): Promise<Reconciliation> {
  const result: Reconciliation = { granted: [], refunded: [], unknown: [] };
  const transactions: StarTransaction[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const page = await deps.api.getStarTransactions({ offset, limit: PAGE });
    transactions.push(...page.transactions);
    if (page.transactions.length < PAGE) break;
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
          source: 'reconciliation', at: new Date(tx.date * 1000),
        });
        if (r.status === 'granted') {
          await recordAudit(sql, { actorId: null, action: 'payment.reconciled', subjectUserId: incoming.user.id, details: { charge_id: tx.id, found: 'payment' } });
          await enqueue(sql, planNoticeJob, { userId: incoming.user.id, notice: 'granted', plan: r.paidPlan, date: r.until.toISOString() },
            { dedupeKey: `plan_notice:granted:${tx.id}` });
        }
        return r.status;
      });
      if (recorded === 'granted' || recorded === 'kept') { result.granted.push(tx.id); known.set(tx.id, false); }
      if (recorded === 'unknown') result.unknown.push(tx.id);
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
  return result;
}

