import { randomBytes } from 'node:crypto';
import type { Queryable } from '../../db/Queryable.js';
import type { PaidPlanId } from '../plans/plans.js';

export type InvoiceKind = 'subscription' | 'annual';

export interface StarInvoice {
  id: number;
  user_id: number;
  plan: PaidPlanId;
  kind: InvoiceKind;
  amount: number;
  credit: number;
  payload: string;
  paid_charge_id: string | null;
  created_at: Date;
}

/**
 * Records an invoice before the user sees it: what pre_checkout_query is checked against. The
 * payload names the plan and kind for a reader (Telegram shows it to nobody) and ends in a
 * random part, so a payload cannot be guessed or reused for another invoice.
 */
export async function createStarInvoice(sql: Queryable, invoice: { userId: number; plan: PaidPlanId; kind: InvoiceKind; amount: number; credit?: number }): Promise<StarInvoice> {
  const payload = `${invoice.kind === 'subscription' ? 'sub' : 'year'}:${invoice.plan}:${randomBytes(9).toString('base64url')}`;
  const [row] = await sql<StarInvoice[]>`
    insert into star_invoices (user_id, plan, kind, amount, credit, payload)
    values (${invoice.userId}, ${invoice.plan}, ${invoice.kind}, ${invoice.amount}, ${invoice.credit ?? 0}, ${payload})
    returning *`;
  return row!;
}

export async function readInvoiceByPayload(sql: Queryable, payload: string): Promise<StarInvoice | undefined> {
  const [row] = await sql<StarInvoice[]>`select * from star_invoices where payload = ${payload}`;
  return row;
}
