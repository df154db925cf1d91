import { Composer, InlineKeyboard, InputFile } from 'grammy';
import * as z from 'zod';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { InputHandler } from '../../bot/BotModule.js';
import type { BotContext } from '../../bot/botContext.js';
import { displayName } from '../../i18n/displayName.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { AdminButton, adminButton } from './adminButton.js';
import { editAdminMessage } from './editAdminMessage.js';
import type { AdminContext } from './adminGate.js';
import { findUser, type FoundUser, parseUserRef } from './findUsers.js';
import { formatDate } from './formatDate.js';
import { friendsFamilyCsv, grantFriendsFamily, listFriendsFamily, MAX_NOTE_LENGTH, removeFriendsFamily } from './friendsFamily.js';
import { isAdmin } from './isAdmin.js';
import { planName, usernameSuffix, whoIs } from './renderUserCard.js';

/**
 * Friends & Family, as the seed's 5.1.1 has it: `/admin_ff_add` (find by id or @username, a
 * note, granted, the user told), `/admin_ff_list` (note, date granted, posts this month; Export
 * as a CSV document), `/admin_ff_remove` (pick, confirm, downgraded to Free, the user told).
 * The plan itself is the plans area's (grantPlan / endPlan); this is the admins' side of it.
 */
export const friendsFamilyFeature = new Composer<AdminContext>();

const USER_INPUT = 'admin_ff_user';
const NOTE_INPUT = 'admin_ff_note';
const INPUT_TTL_MS = 3_600_000;
/** Members the list message shows; the export has them all. Keeps the message under 4,096 characters. */
const LIST_LIMIT = 15;
/** Buttons /admin_ff_remove offers; beyond that, the admin removes from the user's card (/admin_users). */
const PICK_LIMIT = 30;
const NoteData = z.object({ userId: z.number().int().positive() });

type Ctx = BotContext & { chat: { id: number }; from: { id: number } };

async function askForUser(ctx: Ctx) {
  await awaitedInput.open(ctx.sql, ctx.chat.id, USER_INPUT, { ttlMs: INPUT_TTL_MS });
  await ctx.reply(ctx.t('admin_ff_ask_user'), { parse_mode: 'HTML' });
}

/** The found user and the question for the note; or why there is nothing to ask. */
async function askForNote(ctx: Ctx, user: FoundUser) {
  const plan = await readUserPlan(ctx.sql, user.id);
  if (plan.plan === 'friends_family') {
    await awaitedInput.close(ctx.sql, ctx.chat.id, USER_INPUT);
    return void (await ctx.reply(ctx.t('admin_ff_already', { name: whoIs(user), since: formatDate(plan.grantedAt ?? new Date()) }), { parse_mode: 'HTML' }));
  }
  await awaitedInput.open(ctx.sql, ctx.chat.id, NOTE_INPUT, { ttlMs: INPUT_TTL_MS, data: { userId: user.id } });
  await ctx.reply(ctx.t('admin_ff_found', {
    name: displayName(user.firstName), username: usernameSuffix(user.username), id: String(user.id),
    joined: formatDate(user.createdAt), plan: planName(ctx, plan.plan),
  }), { parse_mode: 'HTML' });
}

friendsFamilyFeature.command('admin_ff_add', async (ctx) => {
  const target = ctx.match.trim();
  if (target === '') return askForUser(ctx);
  const ref = parseUserRef(target);
  if (!ref) return void (await ctx.reply(ctx.t('admin_ff_user_invalid'), { parse_mode: 'HTML' }));
  const user = await findUser(ctx.sql, ref);
  if (!user) return void (await ctx.reply(ctx.t('admin_ff_user_unknown'), { parse_mode: 'HTML' }));
  await askForNote(ctx, user);
});

/** The answers: who (an id or @username), then the note. Each checks the sender is still an admin. */
export const friendsFamilyInputs: Record<string, InputHandler> = {
  [USER_INPUT]: async (ctx, _data, next) => {
    if (!(await isAdmin(ctx))) return next();
    const ref = parseUserRef(ctx.msg.text ?? '');
    // Wrong or unknown: said so, and the question stays open for the next try.
    if (!ref) return void (await ctx.reply(ctx.t('admin_ff_user_invalid'), { parse_mode: 'HTML' }));
    const user = await findUser(ctx.sql, ref);
    if (!user) return void (await ctx.reply(ctx.t('admin_ff_user_unknown'), { parse_mode: 'HTML' }));
    await askForNote(ctx, user);
  },
  [NOTE_INPUT]: async (ctx, data, next) => {
    if (!(await isAdmin(ctx))) return next();
    const parsed = NoteData.safeParse(data);
    if (!parsed.success) return next();
    const note = ctx.msg.text?.trim() ?? '';
    if (note === '' || [...note].length > MAX_NOTE_LENGTH) {
      return void (await ctx.reply(ctx.t('admin_ff_note_invalid', { max: MAX_NOTE_LENGTH }), { parse_mode: 'HTML' }));
    }
    await awaitedInput.close(ctx.sql, ctx.chat.id, NOTE_INPUT);
    const user = await findUser(ctx.sql, { id: parsed.data.userId });
    if (!user) return void (await ctx.reply(ctx.t('admin_user_unknown')));
    const outcome = await grantFriendsFamily(ctx.sql, { userId: user.id, actorId: ctx.from.id, note });
    if (outcome.status === 'already') {
      return void (await ctx.reply(ctx.t('admin_ff_already', { name: whoIs(user), since: formatDate(outcome.plan.grantedAt ?? new Date()) }), { parse_mode: 'HTML' }));
    }
    ctx.log.info({ user_id: user.id, previous_plan: outcome.previous }, 'friends & family granted');
    await ctx.reply(ctx.t('admin_ff_granted', {
      who: whoIs(user), name: displayName(user.firstName), note, date: formatDate(outcome.plan.grantedAt ?? new Date()),
    }), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text(ctx.t('admin_ff_button_list'), adminButton('fflist')).text(ctx.t('admin_ff_button_another'), adminButton('ffadd')),
    });
  },
};

async function showList(ctx: Ctx) {
  const members = await listFriendsFamily(ctx.sql);
  const keyboard = new InlineKeyboard().text(ctx.t('admin_ff_button_add'), adminButton('ffadd'));
  if (members.length === 0) return void (await ctx.reply(ctx.t('admin_ff_list_empty'), { parse_mode: 'HTML', reply_markup: keyboard }));
  keyboard.text(ctx.t('admin_ff_button_export'), adminButton('ffcsv'));
  const lines = [ctx.t('admin_ff_list_title', { count: members.length }), ''];
  members.slice(0, LIST_LIMIT).forEach((m, i) => {
    const note = m.note ? displayName(m.note, 60) : ctx.t('admin_ff_no_note');
    lines.push(ctx.t('admin_ff_list_line', {
      n: i + 1, who: `${m.username ? `@${m.username} (${displayName(m.firstName, 32)})` : displayName(m.firstName, 32)}`,
      note, date: formatDate(m.grantedAt), posts: m.postsThisMonth,
    }), '');
  });
  if (members.length > LIST_LIMIT) lines.push(ctx.t('admin_ff_list_more', { count: members.length - LIST_LIMIT }));
  await ctx.reply(lines.join('\n').trimEnd(), { parse_mode: 'HTML', reply_markup: keyboard });
}

async function sendExport(ctx: Ctx) {
  const members = await listFriendsFamily(ctx.sql);
  const csv = friendsFamilyCsv(members);
  await ctx.replyWithDocument(new InputFile(Buffer.from(csv, 'utf8'), `friends_family_${formatDate(new Date())}.csv`), {
    caption: ctx.t('admin_ff_export_caption', { count: members.length }),
  });
}

async function pickForRemoval(ctx: Ctx) {
  const members = await listFriendsFamily(ctx.sql);
  if (members.length === 0) return void (await ctx.reply(ctx.t('admin_ff_list_empty'), { parse_mode: 'HTML' }));
  const keyboard = new InlineKeyboard();
  for (const m of members.slice(0, PICK_LIMIT)) {
    keyboard.text(`👤 ${m.username ? `@${m.username} - ` : ''}${displayName(m.firstName, 32)}`, adminButton('ffrm', m.id)).row();
  }
  await ctx.reply(ctx.t('admin_ff_remove_pick'), { parse_mode: 'HTML', reply_markup: keyboard });
}

async function confirmRemoval(ctx: Ctx, userId: number) {
  const user = await findUser(ctx.sql, { id: userId });
  const plan = user ? await readUserPlan(ctx.sql, userId) : null;
  if (!user || plan?.plan !== 'friends_family') {
    return void (await ctx.reply(ctx.t('admin_ff_not_member', { name: user ? whoIs(user) : String(userId) }), { parse_mode: 'HTML' }));
  }
  await ctx.reply(ctx.t('admin_ff_remove_confirm', {
    name: displayName(user.firstName), username: usernameSuffix(user.username), note: plan.note ?? ctx.t('admin_ff_no_note'),
    since: formatDate(plan.grantedAt ?? new Date()),
  }), {
    parse_mode: 'HTML',
    reply_markup: new InlineKeyboard().text(ctx.t('admin_ff_remove_button'), adminButton('ffrmok', userId)).text(ctx.t('admin_button_cancel'), adminButton('close')),
  });
}

async function remove(ctx: Ctx, userId: number) {
  const user = await findUser(ctx.sql, { id: userId });
  const outcome = user ? await removeFriendsFamily(ctx.sql, { userId, actorId: ctx.from.id }) : 'not_member';
  if (outcome === 'not_member') return void (await editAdminMessage(ctx, ctx.t('admin_ff_not_member', { name: user ? whoIs(user) : String(userId) })));
  ctx.log.info({ user_id: userId }, 'friends & family removed');
  await editAdminMessage(ctx, ctx.t('admin_ff_removed', { who: whoIs(user!) }));
}

friendsFamilyFeature.command('admin_ff_list', (ctx) => showList(ctx));
friendsFamilyFeature.command('admin_ff_remove', (ctx) => pickForRemoval(ctx));

friendsFamilyFeature.callbackQuery(/^adm:(fflist|ffcsv|ffadd|ffgrant|ffrm|ffrmok)(:|$)/, async (ctx) => {
  const button = AdminButton.safeParse(ctx.callbackQuery.data);
  await ctx.answerCallbackQuery();
  if (!button.success) return void (await editAdminMessage(ctx, ctx.t('admin_gone')));
  const { action, userId } = button.data;
  switch (action) {
    case 'fflist': return showList(ctx);
    case 'ffcsv': return sendExport(ctx);
    case 'ffadd': return askForUser(ctx);
    case 'ffgrant': {
      const user = userId === null ? null : await findUser(ctx.sql, { id: userId });
      if (!user) return void (await ctx.reply(ctx.t('admin_user_unknown')));
      return askForNote(ctx, user);
    }
    case 'ffrm': return userId === null ? undefined : confirmRemoval(ctx, userId);
    case 'ffrmok': return userId === null ? undefined : remove(ctx, userId);
    default: return void (await editAdminMessage(ctx, ctx.t('admin_gone')));
  }
});
