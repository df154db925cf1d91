import type { LabeledPrice, SuccessfulPayment } from 'grammy/types';
import { badRequest } from '../apiErrors.js';
import { messageUpdate } from '../messageUpdate.js';
import { QUERY_ID_INVALID } from '../World.js';
import type { MethodHandler } from './MethodContext.js';
import { send } from './messageMethods.js';

/** Invoices and checkout (Telegram Stars or a provider token). */
export const paymentMethods: Record<string, MethodHandler> = {
  sendInvoice(ctx) {
    const chat = ctx.world.chatForBotToPost(ctx.params.chatId());
    const title = ctx.params.string('title', badRequest('INVOICE_TITLE_EMPTY'));
    const description = ctx.params.string('description', badRequest('INVOICE_DESCRIPTION_EMPTY'));
    const payload = ctx.params.string('payload', badRequest('INVOICE_PAYLOAD_EMPTY'));
    // Limits from core.telegram.org/bots/api#sendinvoice.
    if (title.length > 32) throw badRequest('INVOICE_TITLE_INVALID');
    if (description.length > 255) throw badRequest('INVOICE_DESCRIPTION_INVALID');
    if (Buffer.byteLength(payload) > 128) throw badRequest('INVOICE_PAYLOAD_INVALID');
    const currency = ctx.params.string('currency', badRequest('currency is empty'));
    const prices = ctx.params.json<LabeledPrice[]>('prices', badRequest("can't parse prices JSON object"));
    if (!Array.isArray(prices) || prices.length === 0) throw badRequest('prices is empty');
    if (currency === 'XTR' && prices.length !== 1) throw badRequest('STARS_INVOICE_INVALID');
    const total = prices.reduce((sum, price) => sum + price.amount, 0);
    if (!Number.isInteger(total) || total <= 0) throw badRequest('CURRENCY_TOTAL_AMOUNT_INVALID');
    const message = send(ctx, chat, {
      invoice: { title, description, start_parameter: ctx.params.optionalString('start_parameter') ?? '', currency,
        total_amount: total },
    });
    // The payload never shows in the Message, but comes back in pre_checkout_query and successful_payment.
    ctx.sentOptions.set(message, { payload, prices, provider_token: ctx.params.optionalString('provider_token') });
    return message;
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
      const payment: SuccessfulPayment = {
        currency: query.currency,
        total_amount: query.total_amount,
        invoice_payload: query.invoice_payload,
        telegram_payment_charge_id: `stxEmU${id}`,
        provider_payment_charge_id: query.currency === 'XTR' ? '' : `prov_${id}`,
      };
      const chat = ctx.world.chats.get(open.chatId);
      if (chat !== undefined) {
        ctx.publish(messageUpdate(ctx.world.addMessage(chat, { from: query.from, successful_payment: payment })));
      }
    }
    return true;
  },
};
