import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { InputHandler } from '../../bot/BotModule.js';
import type { BotContext } from '../../bot/botContext.js';
import { displayName } from '../../i18n/displayName.js';
import { enqueue } from '../../queue/enqueue.js';
import { isBroadcastAdmin } from '../broadcasts/isBroadcastAdmin.js';
import { AdminButton, adminButton } from './adminButton.js';
import { editAdminMessage } from './editAdminMessage.js';
import type { AdminContext } from './adminGate.js';
import { banUser, unbanUser } from './banUser.js';
import { findUser, parseUserRef, searchUsers } from './findUsers.js';
import { isAdmin } from './isAdmin.js';
import { readUserCard } from './readUserCard.js';
import { renderUserCard, usernameSuffix } from './renderUserCard.js';
import { userNoticeJob } from './userNoticeJob.js';

/**
 * `/admin_users` (search by id, @username or name; a button per match opens the user's card),
 * `/admin_ban <id|@username> [reason]`, `/admin_unban <id|@username>`, and the card's Ban
 * (with a confirmation) and Unban buttons. Every one of them is behind the admin gate.
 */
export const adminUsersFeature = new Composer<AdminContext>();

/** The input kind of "send a user to search for". */
const SEARCH_INPUT = 'admin_users_search';
const SEARCH_TTL_MS = 3_600_000;
/** Matches listed at most; more means the admin should type more. */
const SEARCH_LIMIT = 10;
const REASON_MAX = 500;

adminUsersFeature.command('admin_users', async (ctx) => {
  if (ctx.match.trim() === '') {
    await awaitedInput.open(ctx.sql, ctx.chat.id, SEARCH_INPUT, { ttlMs: SEARCH_TTL_MS });
    return void (await ctx.reply(ctx.t('admin_users_ask'), { parse_mode: 'HTML' }));
  }
  await showMatches(ctx, ctx.match.trim());
});

async function showMatches(ctx: BotContext & { chat: { id: number } }, query: string) {
  const users = await searchUsers(ctx.sql, query, SEARCH_LIMIT);
  if (users.length === 0) return void (await ctx.reply(ctx.t('admin_users_none', { query: query.slice(0, 64) }), { parse_mode: 'HTML' }));
  if (users.length === 1) return showCard(ctx, users[0]!.id, 'reply');
  const keyboard = new InlineKeyboard();
  for (const u of users) keyboard.text(ctx.t('admin_user_button', { name: `${displayName(u.firstName, 32)}${usernameSuffix(u.username)}` }), adminButton('user', u.id)).row();
  await ctx.reply(ctx.t('admin_users_found', { query: query.slice(0, 64), count: users.length }), { parse_mode: 'HTML', reply_markup: keyboard });
}

async function showCard(ctx: BotContext, userId: number, how: 'reply' | 'edit') {
  const card = await readUserCard(ctx.sql, userId);
  if (!card) return void (await ctx.reply(ctx.t('admin_user_unknown')));
  const { text, keyboard } = renderUserCard(ctx, card);
  if (how === 'edit') await editAdminMessage(ctx, text, keyboard);
  else await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard });
}

/** The search text: the admin's next message after a bare /admin_users. */
export const adminUsersInputs: Record<string, InputHandler> = {
  [SEARCH_INPUT]: async (ctx, _data, next) => {
    if (!(await isAdmin(ctx))) return next();
    const text = ctx.msg.text?.trim();
    if (!text) return void (await ctx.reply(ctx.t('admin_users_ask'), { parse_mode: 'HTML' }));
    await awaitedInput.close(ctx.sql, ctx.chat.id, SEARCH_INPUT);
    await showMatches(ctx, text);
  },
};

adminUsersFeature.command('admin_ban', async (ctx) => {
  const [target = '', ...rest] = ctx.match.trim().split(/\s+/);
  const ref = parseUserRef(target);
  if (!ref) return void (await ctx.reply(ctx.t('admin_ban_usage'), { parse_mode: 'HTML' }));
  const user = await findUser(ctx.sql, ref);
  if (!user) return void (await ctx.reply(ctx.t('admin_user_unknown')));
  const reason = rest.join(' ').slice(0, REASON_MAX) || null;
  await ban(ctx, user.id, reason, 'reply');
});

adminUsersFeature.command('admin_unban', async (ctx) => {
  const ref = parseUserRef(ctx.match.trim());
  if (!ref) return void (await ctx.reply(ctx.t('admin_unban_usage'), { parse_mode: 'HTML' }));
  const user = await findUser(ctx.sql, ref);
  if (!user) return void (await ctx.reply(ctx.t('admin_user_unknown')));
  await unban(ctx, user.id, 'reply');
});

/** Answers an admin: a new message to a command, an edit of the card to a button press. */
function answerer(ctx: BotContext, how: 'reply' | 'edit') {
  return (text: string, keyboard?: InlineKeyboard) => (how === 'edit'
    ? editAdminMessage(ctx, text, keyboard)
    : ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard }));
}

async function ban(ctx: BotContext & { from: { id: number } }, userId: number, reason: string | null, how: 'reply' | 'edit') {
  const say = answerer(ctx, how);
  const user = await findUser(ctx.sql, { id: userId });
  if (!user) return void (await say(ctx.t('admin_user_unknown')));
  const name = displayName(user.firstName);
  // Admins cannot ban each other (or themselves): an operator's access is ADMIN_TELEGRAM_IDS'
  // and users.is_admin's business, not a ban's.
  if (userId === ctx.from.id || (await isBroadcastAdmin(ctx.sql, userId, ctx.settings.adminTelegramIds))) return void (await say(ctx.t('admin_ban_admin')));
  const outcome = await banUser(ctx.sql, { userId, actorId: ctx.from.id, reason });
  if (outcome.status !== 'done') return void (await say(ctx.t('admin_already_banned', { name })));
  ctx.log.info({ user_id: userId, paused_posts: outcome.posts }, 'user banned');
  await say(ctx.t('admin_banned', { name, posts: outcome.posts ? ctx.t('admin_banned_posts', { count: outcome.posts }) : '' }),
    new InlineKeyboard().text(ctx.t('admin_button_unban'), adminButton('unban', userId)));
}

async function unban(ctx: BotContext & { from: { id: number } }, userId: number, how: 'reply' | 'edit') {
  const say = answerer(ctx, how);
  const user = await findUser(ctx.sql, { id: userId });
  if (!user) return void (await say(ctx.t('admin_user_unknown')));
  const name = displayName(user.firstName);
  const outcome = await unbanUser(ctx.sql, { userId, actorId: ctx.from.id });
  if (outcome.status !== 'done') return void (await say(ctx.t('admin_not_banned', { name })));
  await enqueue(ctx.sql, userNoticeJob, { userId, notice: 'admin_notice_unbanned' });
  ctx.log.info({ user_id: userId, resumed_posts: outcome.posts }, 'user unbanned');
  await say(ctx.t('admin_unbanned', { name, posts: outcome.posts ? ctx.t('admin_unbanned_posts', { count: outcome.posts }) : '' }),
    new InlineKeyboard().text(ctx.t('admin_button_ban'), adminButton('ban', userId)));
}

// The card's buttons and the ban confirmation. Every press is answered once; forged or stale
// data gets "out of date" and changes nothing.
adminUsersFeature.callbackQuery(/^adm:(user|ban|banok|unban|close)(:|$)/, async (ctx) => {
  const button = AdminButton.safeParse(ctx.callbackQuery.data);
  await ctx.answerCallbackQuery();
  if (!button.success) return void (await editAdminMessage(ctx, ctx.t('admin_gone')));
  const { action, userId } = button.data;
  if (action === 'close') return void (await editAdminMessage(ctx, ctx.t('admin_closed')));
  if (userId === null) return void (await editAdminMessage(ctx, ctx.t('admin_gone')));
  switch (action) {
    case 'user': return showCard(ctx, userId, 'reply');
    case 'ban': {
      const user = await findUser(ctx.sql, { id: userId });
      if (!user) return void (await editAdminMessage(ctx, ctx.t('admin_user_unknown')));
      return void (await ctx.reply(ctx.t('admin_ban_confirm', { name: displayName(user.firstName), id: String(userId) }), {
        parse_mode: 'HTML',
        reply_markup: new InlineKeyboard().text(ctx.t('admin_ban_confirm_button'), adminButton('banok', userId)).text(ctx.t('admin_button_cancel'), adminButton('close')),
      }));
    }
    case 'banok': return ban(ctx, userId, null, 'edit');
    case 'unban': return unban(ctx, userId, 'edit');
    default: return void (await editAdminMessage(ctx, ctx.t('admin_gone')));
  }
});
