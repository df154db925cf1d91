import { type ChatTypeContext, Composer, type Filter, InlineKeyboard } from 'grammy';
import { BroadcastButton } from './broadcastButton.js';
import { cancelBroadcast } from './broadcastProgress.js';
import {
  cancelDraft, countAudiences, createDraft, readBroadcast, readDraftAwaitingContent, setDraftAudience, setDraftContent,
} from './broadcastDrafts.js';
import { isBroadcastAdmin } from './isBroadcastAdmin.js';
import { renderRecipients } from './renderProgress.js';
import { debugSuffix } from './sendBroadcastCopy.js';
import { startBroadcast } from './startBroadcast.js';
import { recordAudit } from '../audit/recordAudit.js';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler } from '../../bot/BotModule.js';

/**
 * `/broadcast` in a DM, for operators: choose the audience (active groups or users), send the
 * text or a photo with a caption, see a preview and confirm. The confirmation becomes the
 * progress message (edited by the broadcast_progress job) with a Stop button. The draft lives
 * in the `broadcasts` table, so the conversation survives restarts and any replica answers.
 */
export const broadcastFeature = new Composer<BotContext>();
const dm = broadcastFeature.chatType('private');

// Telegram's limits, less the debug code appended to every copy.
const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const SAMPLE_CODE = 'b00000';
// The longest code a delivery can get: 'b' and a bigint id in hex (16 digits). Text is measured
// against it, so a copy whose id outgrew five digits still fits.
const LONGEST_CODE = `b${'f'.repeat(16)}`;

/** The input kind of "send the broadcast's content". */
const CONTENT_INPUT = 'broadcast_content';
// A day: composing a broadcast may take a while; the draft itself stays until used or replaced.
const CONTENT_TTL_MS = 86_400_000;

/**
 * `/admin_broadcast`: a broadcast to every user who can receive it, its audience chosen already;
 * the rest (content, preview, confirmation, progress, Stop) is the /broadcast conversation's.
 * The caller has checked that the sender is an admin; the buttons check again.
 */
export async function startUsersBroadcast(ctx: ChatTypeContext<BotContext, 'private'> & { from: { id: number } }): Promise<void> {
  const id = await createDraft(ctx.sql, ctx.from.id, ctx.chat.id, ctx.locale);
  await setDraftAudience(ctx.sql, id, ctx.from.id, 'users');
  await awaitedInput.open(ctx.sql, ctx.chat.id, CONTENT_INPUT, { ttlMs: CONTENT_TTL_MS });
  const counts = await countAudiences(ctx.sql);
  await ctx.reply(ctx.t('admin_broadcast_start', { count: counts.users }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('broadcast_cancel'), `bc:cancel:${id}`),
  });
}

// Someone who is not an operator gets what an unknown command gets (the fallback's hint), as for
// every admin command: nothing here admits it exists.
dm.command('broadcast', async (ctx, next) => {
  if (!(await isBroadcastAdmin(ctx.sql, ctx.from.id, ctx.settings.adminTelegramIds))) return next();
  const id = await createDraft(ctx.sql, ctx.from.id, ctx.chat.id, ctx.locale);
  const counts = await countAudiences(ctx.sql);
  await ctx.reply(ctx.t('broadcast_audience'), {
    parse_mode: 'HTML',
    reply_markup: new InlineKeyboard()
      .text(ctx.t('broadcast_to_groups', { count: counts.groups }), `bc:aud:groups:${id}`).row()
      .text(ctx.t('broadcast_to_users', { count: counts.users }), `bc:aud:users:${id}`).row()
      .text(ctx.t('broadcast_cancel'), `bc:cancel:${id}`),
  });
});


/** The content: the admin's next message once the audience is chosen. */
export const broadcastInputs: Record<string, InputHandler> = {
  [CONTENT_INPUT]: async (ctx, _data, next) => {
    if (!(await isBroadcastAdmin(ctx.sql, ctx.from.id, ctx.settings.adminTelegramIds))) return next();
    const draft = await readDraftAwaitingContent(ctx.sql, ctx.from.id);
    if (!draft?.audience) return next();
    const photo = ctx.msg.photo?.at(-1)?.file_id ?? null;
    const text = photo ? (ctx.msg.caption ?? null) : (ctx.msg.text ?? null);
    const entities = (photo ? ctx.msg.caption_entities : ctx.msg.entities) ?? null;
    if (!photo && !text) return void (await ctx.reply(ctx.t('broadcast_content_invalid')));
    const max = (photo ? CAPTION_LIMIT : TEXT_LIMIT) - debugSuffix(LONGEST_CODE).length;
    if ((text ?? '').length > max) return void (await ctx.reply(ctx.t('broadcast_too_long', { max })));
    await setDraftContent(ctx.sql, draft.id, { text, entities, photoFileId: photo });
    await awaitedInput.close(ctx.sql, ctx.chat.id, CONTENT_INPUT);

    // The preview is the copy itself, with a sample debug code.
    const suffix = debugSuffix(SAMPLE_CODE);
    if (photo) await ctx.replyWithPhoto(photo, { caption: `${text ?? ''}${suffix}`.trimStart(), ...(entities && text ? { caption_entities: entities } : {}) });
    else await ctx.reply(`${text}${suffix}`, entities ? { entities } : {});
    const counts = await countAudiences(ctx.sql);
    const recipients = renderRecipients(ctx.t, draft.audience, counts[draft.audience]);
    await ctx.reply(ctx.t('broadcast_preview', { recipients }), {
      parse_mode: 'HTML',
      reply_markup: new InlineKeyboard().text(ctx.t('broadcast_confirm'), `bc:go:${draft.id}`).text(ctx.t('broadcast_cancel'), `bc:cancel:${draft.id}`),
    });
  },
};

// Every broadcast button, parsed with its schema before anything else: forged or stale data
// (an id out of range, an unknown action) gets one answer and changes nothing, instead of a
// query error that retries the update and answers again. Each press is answered exactly once,
// and each checks that the presser is still an operator as well as the broadcast's author.
// A press by someone who is not (or no longer) an operator goes on to the fallback's silent
// answer, as an old button's would.
dm.callbackQuery(/^bc:/, async (ctx, next) => {
  if (!(await isBroadcastAdmin(ctx.sql, ctx.from.id, ctx.settings.adminTelegramIds))) return next();
  const button = BroadcastButton.safeParse(ctx.callbackQuery.data);
  if (!button.success) {
    ctx.log.warn({ data: ctx.callbackQuery.data.slice(0, 64) }, 'broadcast button with data no button of ours carries');
    return void (await ctx.answerCallbackQuery({ text: ctx.t('broadcast_gone') }));
  }
  const b = button.data;
  switch (b.action) {
    case 'aud': return chooseAudience(ctx, b.id, b.audience);
    case 'go': return confirm(ctx, b.id);
    case 'cancel': return cancel(ctx, b.id);
    case 'stop': return stop(ctx, b.id);
  }
});

type ButtonContext = Filter<ChatTypeContext<BotContext, 'private'>, 'callback_query:data'>;

async function chooseAudience(ctx: ButtonContext, id: number, audience: 'groups' | 'users') {
  await ctx.answerCallbackQuery();
  if (!(await setDraftAudience(ctx.sql, id, ctx.from.id, audience))) return void (await ctx.editMessageText(ctx.t('broadcast_gone')));
  await awaitedInput.open(ctx.sql, ctx.chat.id, CONTENT_INPUT, { ttlMs: CONTENT_TTL_MS });
  await ctx.editMessageText(ctx.t('broadcast_ask_content'), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('broadcast_cancel'), `bc:cancel:${id}`),
  });
}

async function confirm(ctx: ButtonContext, id: number) {
  await ctx.answerCallbackQuery();
  const draft = await readBroadcast(ctx.sql, id, ctx.from.id);
  const messageId = ctx.callbackQuery.message?.message_id;
  if (draft?.state !== 'draft' || draft.audience === null || messageId === undefined) return void (await ctx.editMessageText(ctx.t('broadcast_gone')));
  const total = await startBroadcast(ctx.sql, id, ctx.from.id, messageId);
  if (total === null) return;
  if (total === 0) return void (await ctx.editMessageText(ctx.t('broadcast_nobody')));
  ctx.log.info({ broadcast_id: id, audience: draft.audience, recipients: total }, 'broadcast started');
  await recordAudit(ctx.sql, { actorId: ctx.from.id, action: 'admin.broadcast', details: { broadcast_id: id, audience: draft.audience, recipients: total } });
  await ctx.editMessageText(ctx.t('broadcast_progress', {
    id, recipients: renderRecipients(ctx.t, draft.audience, total), sent: 0, failed: 0, remaining: total, eta: '…',
  }), { parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('broadcast_stop'), `bc:stop:${id}`) });
}

async function cancel(ctx: ButtonContext, id: number) {
  await ctx.answerCallbackQuery();
  const cancelled = await cancelDraft(ctx.sql, id, ctx.from.id);
  if (cancelled) await awaitedInput.close(ctx.sql, ctx.chat.id, CONTENT_INPUT);
  await ctx.editMessageText(ctx.t(cancelled ? 'broadcast_draft_cancelled' : 'broadcast_gone'));
}

async function stop(ctx: ButtonContext, id: number) {
  const stopped = await cancelBroadcast(ctx.sql, id, ctx.from.id, { actorId: ctx.from.id, via: 'bot' });
  await ctx.answerCallbackQuery({ text: ctx.t(stopped ? 'broadcast_stopping' : 'broadcast_gone') });
  if (stopped) ctx.log.info({ broadcast_id: id }, 'broadcast stopped by the admin');
}
