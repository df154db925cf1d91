import type { PreCheckoutQuery } from 'grammy/types';
import type { Queryable } from '../../db/Queryable.js';
import type { MessageKey } from '../../i18n/catalogs.js';
import { isPaidPlanId } from '../plans/plans.js';
import { isBanned } from '../users/isBanned.js';
import { readInvoiceByPayload } from './starInvoices.js';

/**
 * Whether to accept a pre-checkout query: the payload names an invoice we made, for this user,
 * for a plan we sell, at the amount and currency recorded, not yet paid, and the user is not
 * banned. A refusal carries the message the user sees (answerPreCheckoutQuery's error_message).
 * A few indexed reads: the answer is due within 10 s, and it comes well inside that.
 */
export async function checkPreCheckout(sql: Queryable, query: PreCheckoutQuery):
  Promise<{ ok: true } | { ok: false; reason: string; message: MessageKey }> {
  const invoice = await readInvoiceByPayload(sql, query.invoice_payload);
  if (!invoice || !isPaidPlanId(invoice.plan)) return { ok: false, reason: 'unknown-invoice', message: 'precheckout_unknown' };
  if (invoice.user_id !== query.from.id) return { ok: false, reason: 'other-user', message: 'precheckout_not_yours' };
  if (query.currency !== 'XTR' || query.total_amount !== invoice.amount) return { ok: false, reason: 'amount', message: 'precheckout_changed' };
  // Subscription renewals come without a pre-checkout; a second payment of one invoice would be a second subscription.
  if (invoice.paid_charge_id !== null) return { ok: false, reason: 'paid', message: 'precheckout_paid' };
  if (await isBanned(sql, query.from.id)) return { ok: false, reason: 'banned', message: 'banned_notice' };
  return { ok: true };
}
