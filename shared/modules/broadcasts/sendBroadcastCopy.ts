import type { Api } from 'grammy';
import type { Message } from 'grammy/types';
import type { Delivery } from './deliveryStates.js';

/** The line appended to every copy: its debug code, short enough to read off a screenshot. */
export const debugSuffix = (code: string) => `\n\n#${code}`;

/**
 * Sends one copy: the admin's text or photo with caption, formatting kept as entities (an
 * appended suffix does not move them), and the delivery's debug code at the end. Not
 * abortable on purpose: a call cut off mid-flight would leave an outcome nobody knows.
 */
export async function sendBroadcastCopy(api: Api, delivery: Delivery): Promise<Message> {
  const suffix = debugSuffix(delivery.debugCode);
  if (delivery.photoFileId !== null) {
    return api.sendPhoto(delivery.chatId, delivery.photoFileId, {
      caption: `${delivery.text ?? ''}${suffix}`.trimStart(),
      ...(delivery.entities && delivery.text ? { caption_entities: delivery.entities } : {}),
    });
  }
  return api.sendMessage(delivery.chatId, `${delivery.text ?? ''}${suffix}`, {
    ...(delivery.entities ? { entities: delivery.entities } : {}),
  });
}
