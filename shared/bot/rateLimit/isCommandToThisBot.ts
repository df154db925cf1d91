import type { Context } from 'grammy';

/**
 * Whether the update's message is a command to this bot, exactly as grammY's `command()`
 * decides: any `bot_command` entity at offset 0 (not only the first entity: a bold entity can
 * come first at the same offset), and, when the command names a bot (`/init@some_bot`), this
 * bot. A command to another bot in a group is not ours to count or answer.
 */
export function isCommandToThisBot(ctx: Context): boolean {
  const msg = ctx.message ?? ctx.channelPost;
  const text = msg?.text ?? msg?.caption;
  if (!msg?.entities || typeof text !== 'string') return false;
  return msg.entities.some((e) => {
    if (e.type !== 'bot_command' || e.offset !== 0) return false;
    const command = text.substring(1, e.length);
    const at = command.indexOf('@');
    return at === -1 || command.substring(at + 1).toLowerCase() === ctx.me.username.toLowerCase();
  });
}
