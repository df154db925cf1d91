import * as z from 'zod';

// The shape of an update as the bot's handlers rely on it: who sent it, in which chat, and the
// fields they read as strings. Telegram always sends these; an update without them was forged
// or mangled (the webhook's secret leaked, a proxy in between), and a handler given one would
// crash on every attempt. Loose objects: everything else passes through to grammY untouched.

const user = z.looseObject({ id: z.number().int(), first_name: z.string() });
const chat = z.looseObject({ id: z.number().int(), type: z.enum(['private', 'group', 'supergroup', 'channel']), title: z.string().optional() })
  .refine((c) => c.type === 'private' || c.title !== undefined, 'a group or channel has a title');
const entities = z.array(z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int() })).optional();
const message = z.looseObject({
  message_id: z.number().int(),
  chat,
  // Telegram fills `from` in every chat but a channel (a stand-in user for anonymous admins).
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities,
  caption_entities: entities,
}).refine((m) => m.chat.type === 'channel' || m.from !== undefined, 'a message outside a channel has a sender');
const member = z.looseObject({ status: z.string(), user });
const memberUpdate = z.looseObject({ chat, from: user, date: z.number(), old_chat_member: member, new_chat_member: member });

/** An update the handlers can take; see above. */
export const updateShape = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: message.optional(),
  edited_message: message.optional(),
  channel_post: message.optional(),
  callback_query: z.looseObject({ id: z.string(), from: user, data: z.string().optional(), message: z.looseObject({ message_id: z.number().int(), chat }).optional() }).optional(),
  my_chat_member: memberUpdate.optional(),
  chat_member: memberUpdate.optional(),
  chat_join_request: z.looseObject({ chat, from: user, user_chat_id: z.number().int(), date: z.number() }).optional(),
});

/** Where an update departs from {@link updateShape} (paths and reasons, never the values), or `null`. */
export function updateShapeProblems(update: unknown): string[] | null {
  const result = updateShape.safeParse(update);
  if (result.success) return null;
  return result.error.issues.map((issue) => `${issue.path.join('.') || '(update)'}: ${issue.message}`);
}
