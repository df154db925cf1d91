import type { LabeledPrice, SuccessfulPayment } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import { messageUpdate } from '../messageUpdate.js';
import { type InvoiceRecord, QUERY_ID_INVALID } from '../World.js';

/** The one subscription period Telegram allows: 30 days. */
export const SUBSCRIPTION_PERIOD_S = 2_592_000;
import type { MethodContext, MethodHandler } from './MethodContext.js';
import { send } from './messageMethods.js';

/** Invoices and checkout (Telegram Stars or a provider token). */
export const paymentMethods: Record<string, MethodHandler> = {
  sendInvoice(ctx) {
    const invoice = readInvoice(ctx);
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    const message = send(ctx, chat, {
      invoice: { title: invoice.title, description: invoice.description, start_parameter: invoice.start_parameter,
        currency: invoice.currency, total_amount: invoice.total_amount },
    });
    // The payload never shows in the Message, but comes back in pre_checkout_query and successful_payment.
    ctx.sentOptions.set(message, { payload: invoice.payload, prices: invoice.prices, provider_token: ctx.params.optionalString('provider_token') });
    return message;
  },

  refundStarPayment(ctx) {
    const userId = userIdOf(ctx);
    const chargeId = required(ctx, 'telegram_payment_charge_id');
    const payment = ctx.world.starPayments.get(chargeId);
    // MTProto's payments.refundStarsCharge codes, passed through unchanged (fail_query_with_error).
    if (payment === undefined || payment.userId !== userId) throw badRequest('CHARGE_ID_INVALID');
    if (payment.refunded) throw badRequest('CHARGE_ALREADY_REFUNDED');
    payment.refunded = true;
    payment.refundedAt = ctx.world.now();
    ctx.world.changed();
    return true;
  },

  editUserStarSubscription(ctx) {
    const userId = userIdOf(ctx);
    // The server passes the charge id on unchecked (Client.cpp:14008-14020); Telegram refuses unknown ones.
    const chargeId = ctx.params.optionalString('telegram_payment_charge_id') ?? '';
    const subscription = ctx.world.starPayments.get(chargeId);
    if (subscription?.subscription === undefined || subscription.userId !== userId) throw badRequest('CHARGE_ID_INVALID');
    // is_canceled=false re-enables only what the bot itself canceled; the paid period always runs out.
    subscription.subscription.canceledByBot = ctx.params.bool('is_canceled');
    ctx.world.changed();
    return true;
  },

  /**
   * The bot's Star transactions in chronological order: each charge (`source`: the paying user)
   * and each refund (`receiver`, with the charge's id). offset and limit are clamped silently,
   * limit to 1..100, default 100 (Client.cpp, get_star_transactions).
   */
  getStarTransactions(ctx) {
    const offset = Math.max(0, ctx.params.optionalInt('offset') ?? 0);
    const limit = Math.min(100, Math.max(1, ctx.params.optionalInt('limit') ?? 100));
    const all: { id: string; amount: number; date: number; source?: unknown; receiver?: unknown }[] = [];
    for (const [id, p] of ctx.world.starPayments) {
      const user = ctx.world.users.get(p.userId);
      const partner = { type: 'user', transaction_type: 'invoice_payment', user, invoice_payload: p.payload,
        ...(p.subscription ? { subscription_period: p.subscription.period } : {}) };
      all.push({ id, amount: p.amount, date: p.date, source: partner });
      if (p.refunded) all.push({ id, amount: p.amount, date: p.refundedAt ?? p.date, receiver: partner });
    }
    all.sort((a, b) => a.date - b.date);
    return { transactions: all.slice(offset, offset + limit) };
  },

  createInvoiceLink(ctx) {
    const invoice = readInvoice(ctx);
    const period = ctx.params.optionalInt('subscription_period') ?? 0;
    // "The currency must be set to 'XTR' … it must always be 2592000 (30 days) if specified" (Bot API docs;
    // Telegram's error text for a wrong period is not published: SUBSCRIPTION_PERIOD_INVALID is the MTProto code).
    if (period !== 0 && (period !== SUBSCRIPTION_PERIOD_S || invoice.currency !== 'XTR')) throw badRequest('SUBSCRIPTION_PERIOD_INVALID');
    const link = `https://t.me/$${randomSlug()}`;
    ctx.world.invoiceLinks.set(link, { ...invoice, ...(period === 0 ? {} : { subscription_period: period }) });
    ctx.world.changed();
    return link;
  },

  answerPreCheckoutQuery(ctx) {
    const ok = ctx.params.bool('ok');
    // The server checks the error text before it looks the query up (Client.cpp:14352, 12370).
    if (!ok && (ctx.params.optionalString('error_message') ?? '') === '') throw badRequest('parameter "error_message" is required');
    const id = ctx.params.string('pre_checkout_query_id', badRequest(QUERY_ID_INVALID));
    const open = ctx.world.preCheckoutQueries.get(id);
    // Past the 10 s window the checkout has already failed for the user; the late answer is refused.
    if (open === undefined || open.answer !== undefined ||
      !ctx.world.inAnswerWindow(open.askedAt, ctx.world.answerWindows.preCheckoutQueryMs)) {
      throw badRequest(QUERY_ID_INVALID);
    }
    open.answer = { ...ctx.params.raw };
    ctx.world.changed();
    if (ok) {
      // Telegram charges the user and reports it as a service message from the payer.
      const { query } = open;
      const chargeId = `stxEmU${id}`;
      const period = open.subscriptionPeriod;
      const expires = period === undefined ? undefined : ctx.world.now() + period;
      const payment: SuccessfulPayment = {
        currency: query.currency,
        total_amount: query.total_amount,
        invoice_payload: query.invoice_payload,
        // A subscription's first payment carries both flags and the end of the paid period (JsonSuccessfulPayment).
        ...(expires === undefined ? {} : { subscription_expiration_date: expires, is_recurring: true, is_first_recurring: true }),
        telegram_payment_charge_id: chargeId,
        provider_payment_charge_id: query.currency === 'XTR' ? '' : `prov_${id}`,
      } as SuccessfulPayment;
      ctx.world.starPayments.set(chargeId, {
        userId: query.from.id, chatId: open.chatId, currency: query.currency, amount: query.total_amount,
        payload: query.invoice_payload, refunded: false, date: ctx.world.now(),
        ...(period === undefined || expires === undefined ? {} : { subscription: { period, expiresAt: expires, canceledByBot: false, firstChargeId: chargeId } }),
      });
      const chat = ctx.world.chats.get(open.chatId);
      if (chat !== undefined) {
        ctx.publish(messageUpdate(ctx.world.addMessage(chat, { from: query.from, successful_payment: payment })));
      }
    }
    return true;
  },
};

/**
 * The invoice fields of sendInvoice and createInvoiceLink, checked in the server's order and
 * words (get_input_message_invoice, Client.cpp:11970-12037; get_labeled_price_parts, 9848-9880).
 */
function readInvoice(ctx: MethodContext): InvoiceRecord {
  const title = required(ctx, 'title');
  const description = required(ctx, 'description');
  const payload = required(ctx, 'payload');
  // Limits from core.telegram.org/bots/api#sendinvoice; the codes are Telegram's server's.
  if ([...title].length > 32) throw badRequest('INVOICE_TITLE_INVALID');
  if ([...description].length > 255) throw badRequest('INVOICE_DESCRIPTION_INVALID');
  if (Buffer.byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
  const currency = required(ctx, 'currency');
  if (!ctx.params.has('prices') || ctx.params.raw.prices === '') throw badRequest('parameter "prices" is required');
  const raw = ctx.params.json<unknown>('prices', badRequest("can't parse prices JSON object"));
  if (!Array.isArray(raw)) throw badRequest("can't parse labeled prices: Expected an Array of labeled prices");
  const prices: LabeledPrice[] = raw.map((price: unknown) => {
    if (typeof price !== 'object' || price === null) throw badRequest("can't parse labeled price: LabeledPrice must be an Object");
    const { label, amount } = price as { label?: unknown; amount?: unknown };
    if (label === undefined) throw badRequest('can\'t parse labeled price: Can\'t find field "label"');
    if (typeof label !== 'string') throw badRequest('can\'t parse labeled price: Field "label" must be of type String');
    if (label === '') throw badRequest("can't parse labeled price: LabeledPrice label must be non-empty");
    const value = typeof amount === 'string' ? Number(amount) : amount;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw badRequest('can\'t parse labeled price: Field "amount" must be a valid Number');
    return { label, amount: value };
  });
  if (prices.length === 0) throw badRequest('there must be at least one price');
  if (currency === 'XTR' && prices.length !== 1) throw badRequest('STARS_INVOICE_INVALID');
  const total = prices.reduce((sum, price) => sum + price.amount, 0);
  // InputInvoice.cpp:188.
  if (total <= 0) throw badRequest('total price must be positive');
  return { title, description, payload, currency, prices, total_amount: total,
    start_parameter: ctx.params.optionalString('start_parameter') ?? '' };
}

/** A parameter the server requires: `parameter "name" is required` when missing or empty (Client.cpp:12367-12372). */
function required(ctx: MethodContext, name: string): string {
  return ctx.params.string(name, badRequest(`parameter "${name}" is required`));
}

function randomSlug(): string {
  return Array.from({ length: 22 }, () => 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-'[Math.floor(Math.random() * 64)]).join('');
}

/** user_id as the server reads it: "invalid user_id specified" when missing, malformed or unknown (Client.cpp:12454). */
function userIdOf(ctx: MethodContext): number {
  const raw = ctx.params.raw.user_id;
  const id = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(id) || id <= 0 || !ctx.world.users.has(id)) throw badRequest('invalid user_id specified');
  return id;
}
