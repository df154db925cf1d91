import assert from 'node:assert/strict';
import type { Message, SuccessfulPayment } from 'grammy/types';
import type { EmulatedUser } from '../../emulator/telegram/index.js';
import type { InstapostStack } from '../support/startInstapostStack.js';
import { buttons } from '../instapost/chatSupport.js';

// The steps of the payment tests (payments.test.ts, setAside.test.ts): a user who started the
// bot, the subscription link /upgrade makes, and paying it through the emulator.

export const WAIT = { timeoutMs: 20_000 };

// A message's buttons, re-exported so that the payment tests import their steps from one place.
export { buttons };

/** The next bot message in the user's chat whose text (or caption) matches `re`. */
export const nextMessage = (stack: InstapostStack, user: EmulatedUser | number, re: RegExp) =>
  stack.telegram.waitForBotMessage(user, (m) => re.test(m.text ?? m.caption ?? ''), WAIT);

let n = 0;

/** A user who sent /start (so the bot knows them), once that update is done. */
export async function startedUser(stack: InstapostStack): Promise<EmulatedUser> {
  const user = stack.telegram.createUser({ first_name: `Buyer${++n}`, language_code: 'en' });
  user.sendCommand('/start');
  await nextMessage(stack, user, /./);
  // The /start's transaction commits after its reply: read and write the user after it.
  await stack.updatesDone();
  return user;
}

/** /upgrade → the monthly button of `plan` → the link the bot made. */
export async function subscriptionLink(stack: InstapostStack, user: EmulatedUser, plan: string): Promise<string> {
  user.sendCommand('/upgrade');
  const list = await nextMessage(stack, user, /Plans, paid monthly/);
  user.pressButton(list, `pay:buy:m:${plan}`);
  const ready = await nextMessage(stack, user, /every 30 days/);
  return buttons(ready).find((b) => b.startsWith('https://t.me/$'))!;
}

/** Pays a subscription link and waits until the bot has handled the payment; returns the thanks and the payment. */
export async function subscribe(stack: InstapostStack, user: EmulatedUser, plan: string): Promise<SuccessfulPayment & { thanks: Message }> {
  const link = await subscriptionLink(stack, user, plan);
  user.payInvoiceLink(link);
  const thanks = await nextMessage(stack, user, /Payment received/);
  assert.match(thanks.text!, /is active until/);
  await stack.updatesDone();
  const update = stack.telegram.updates.findLast((u) => u.message?.successful_payment && u.message.from?.id === user.id);
  return { ...update!.message!.successful_payment!, thanks };
}
