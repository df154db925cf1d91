import type { BotContext } from '../../bot/botContext.js';
import { isBroadcastAdmin } from '../broadcasts/isBroadcastAdmin.js';

/**
 * Whether the update comes from an operator: listed in ADMIN_TELEGRAM_IDS or marked
 * `users.is_admin` (the rule broadcasts use). Asked on every admin message, button press and
 * answer, never remembered: removing an admin takes effect at their next update.
 */
export async function isAdmin(ctx: BotContext): Promise<boolean> {
  return ctx.from !== undefined && (await isBroadcastAdmin(ctx.sql, ctx.from.id, ctx.settings.adminTelegramIds));
}
