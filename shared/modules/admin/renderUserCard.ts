import { InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { displayName } from '../../i18n/displayName.js';
import type { PlanId } from '../plans/plans.js';
import { adminButton } from './adminButton.js';
import { formatDate } from './formatDate.js';
import type { UserCard } from './readUserCard.js';

/** " (@johndoe)", or nothing for a user without a username. */
export const usernameSuffix = (username: string | null) => (username ? ` (@${username})` : '');

/** How a user is named in a confirmation: @username, else their first name. */
export const whoIs = (user: { username: string | null; firstName: string }) => (user.username ? `@${user.username}` : displayName(user.firstName));

/** A plan's name in the admin's language. */
export const planName = (ctx: BotContext, plan: PlanId) => ctx.t(`admin_plan_${plan}`);

/** Who did something, as the card shows it: a user id, or "the system". */
const actor = (ctx: BotContext, id: number | null) => (id === null ? ctx.t('admin_system') : String(id));

/** The /admin_users card of one user, with the buttons that act on them. */
export function renderUserCard(ctx: BotContext, card: UserCard): { text: string; keyboard: InlineKeyboard } {
  const plan = card.plan.until
    ? ctx.t('admin_user_plan_until', { plan: planName(ctx, card.plan.plan), until: formatDate(card.plan.until) })
    : planName(ctx, card.plan.plan);
  const lines = [ctx.t('admin_user_card', {
    name: displayName(card.firstName), username: usernameSuffix(card.username), id: String(card.id), joined: formatDate(card.createdAt),
    lastActive: card.lastActiveOn ? formatDate(card.lastActiveOn) : ctx.t('admin_user_never'),
    language: card.locale ?? card.languageCode ?? '—', plan, points: card.points,
    accounts: card.accounts, published: card.published, failed: card.failed, scheduled: card.scheduled,
  })];
  if (card.payments + card.refunds > 0) lines.push(ctx.t('admin_user_payments', { count: card.payments, stars: card.stars, refunds: card.refunds }));
  if (card.bannedAt) {
    lines.push(ctx.t('admin_user_banned', { date: formatDate(card.bannedAt), by: actor(ctx, card.bannedBy), reason: card.banReason ? `: ${card.banReason}` : '' }));
  }
  if (card.unreachableSince) lines.push(ctx.t('admin_user_unreachable', { date: formatDate(card.unreachableSince) }));
  if (card.history.length > 0) {
    lines.push('', ctx.t('admin_user_history'));
    for (const h of card.history) lines.push(ctx.t('admin_user_history_line', { date: formatDate(h.createdAt), action: h.action, by: actor(ctx, h.actorId) }));
  }
  const keyboard = new InlineKeyboard()
    .text(ctx.t(card.bannedAt ? 'admin_button_unban' : 'admin_button_ban'), adminButton(card.bannedAt ? 'unban' : 'ban', card.id))
    .text(ctx.t(card.plan.plan === 'friends_family' ? 'admin_button_ff_remove' : 'admin_button_ff_grant'),
      adminButton(card.plan.plan === 'friends_family' ? 'ffrm' : 'ffgrant', card.id));
  return { text: lines.join('\n'), keyboard };
}
