import { JobPriority } from '../queue/priority.js';

/** How the queue should treat one Telegram update. */
export interface UpdateRoute {
  priority: number;
  /**
   * Updates with the same key run one at a time in arrival order. Conversations depend on it
   * (a photo, then its caption). `null` for updates whose order does not matter.
   */
  serialKey: string | null;
}

interface ChatLike { id?: unknown }
interface UpdateLike {
  message?: { chat?: ChatLike };
  edited_message?: { chat?: ChatLike };
  channel_post?: { chat?: ChatLike };
  edited_channel_post?: { chat?: ChatLike };
  callback_query?: { from?: ChatLike; message?: { chat?: ChatLike } };
  my_chat_member?: { chat?: ChatLike };
  chat_member?: { chat?: ChatLike };
  chat_join_request?: { chat?: ChatLike; from?: ChatLike };
  pre_checkout_query?: unknown;
  subscription?: { user?: ChatLike };
  inline_query?: { from?: ChatLike };
}

const key = (kind: string, id: unknown) => (typeof id === 'number' ? `${kind}:${id}` : null);

/**
 * Derives priority and serialization key from a raw update, without validating it: this runs
 * in the webhook function, which must stay small and fast.
 */
export function routeUpdate(raw: object): UpdateRoute {
  const update = raw as UpdateLike;
  const message = update.message ?? update.edited_message ?? update.channel_post ?? update.edited_channel_post;
  if (message) return { priority: JobPriority.interactive, serialKey: key('chat', message.chat?.id) };
  if (update.callback_query) {
    const q = update.callback_query;
    return { priority: JobPriority.interactive, serialKey: key('chat', q.message?.chat?.id ?? q.from?.id) };
  }
  // Answered within 10 s or the payment fails; no ordering with the chat's other updates.
  if (update.pre_checkout_query) return { priority: JobPriority.interactive, serialKey: null };
  // A subscription's state (Bot API 10.2) runs in order with the user's payment messages (their
  // private chat's key), so a cancellation and a renewal are applied in the order they came.
  if (update.subscription) return { priority: JobPriority.interactive, serialKey: key('chat', update.subscription.user?.id) };
  if (update.inline_query) return { priority: JobPriority.interactive, serialKey: key('user', update.inline_query.from?.id) };
  const member = update.my_chat_member ?? update.chat_member;
  if (member) return { priority: JobPriority.background, serialKey: key('chat', member.chat?.id) };
  // One group may get many join requests at once; each user's are ordered, the group's are not.
  if (update.chat_join_request) {
    const r = update.chat_join_request;
    return { priority: JobPriority.background, serialKey: key('join', r.from?.id) };
  }
  return { priority: JobPriority.default, serialKey: null };
}
