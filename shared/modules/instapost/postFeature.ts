import { Composer, InlineKeyboard, InputFile } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputContext, InputHandler } from '../../bot/BotModule.js';
import { withinRateLimit } from '../../bot/rateLimit/withinRateLimit.js';
import { replyQuotaExceeded } from '../plans/quotaExceeded.js';
import { appendHashtags, readAutoHashtags } from './autoHashtags.js';
import { countTemplates, readTemplate, readTemplates } from './captionTemplates.js';
import { checkCaption } from './checkCaption.js';
import { downloadTelegramFile, TELEGRAM_DOWNLOAD_LIMIT } from './downloadTelegramFile.js';
import { readAccount, readDefaultAccount } from './instagramAccounts.js';
import { messageImage } from './messageImage.js';
import type { InstapostServices } from './InstapostServices.js';
import { nextFreeSlot } from './nextFreeSlot.js';
import { addDraftImage, cancelPost, DRAFT_TTL_MS, type PostRow, readPost, readPostImages, schedulePost, startDraft, updateDraft } from './posts.js';
import { ImageRejectedError, prepareImage } from './prepareImage.js';
import { readUserTimeZone } from './userTimeZone.js';
import { describeTime, fromZoned, parseLocalDateTime, toZoned } from './zonedTime.js';

/** The input kind of the /post conversation; its data is the draft's id. */
export const POST_INPUT = 'instapost_post';
/** The input kind of a typed date for a post being scheduled or rescheduled. */
export const SCHEDULE_INPUT = 'instapost_schedule';

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

const openPostInput = (ctx: DmContext, postId: number) => awaitedInput.open(ctx.sql, ctx.chat.id, POST_INPUT, { data: { postId }, ttlMs: DRAFT_TTL_MS });

async function startPost(ctx: DmContext) {
  const [user] = await ctx.sql`select 1 from users where id = ${ctx.from.id}`;
  if (!user) return void (await ctx.reply(ctx.t('start_first')));
  const account = await readDefaultAccount(ctx.sql, ctx.from.id);
  if (!account) return void (await ctx.reply(ctx.t('post_no_account')));
  const postId = await startDraft(ctx.sql, ctx.from.id, account.id);
  await openPostInput(ctx, postId);
  await ctx.reply(ctx.t('post_send_image', { username: account.username }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('cancel'), `ig:post:cancel:${postId}`),
  });
}

/**
 * Shows the post as it will go out: every image as it was prepared (converted, resized, padded
 * or cropped; an album as one media group, each with its size and changes), then the text and
 * the choices.
 */
async function sendPreview(ctx: DmContext, post: PostRow) {
  const images = await readPostImages(ctx.sql, post.id);
  const account = post.account_id === null ? undefined : await readAccount(ctx.sql, ctx.from.id, post.account_id);
  if (images.length === 0 || !account) return void (await ctx.reply(ctx.t('post_gone')));
  const shown: { bytes: Buffer; caption: string }[] = [];
  const changesSeen = new Set<string>();
  // One at a time: an album of ten full-size pictures at once would hold them all in memory.
  for (const [i, image] of images.entries()) {
    const prepared = await prepareImage(await downloadTelegramFile(ctx.api, image.telegram_file_id), { fit: post.fit });
    for (const c of prepared.changes) changesSeen.add(c);
    const changes = prepared.changes.filter((c) => c === 'padded' || c === 'cropped' || c === 'resized' || c === 'converted');
    const changed = changes.length ? changes.map((c) => ctx.t(`post_change_${c}`)).join(', ') : ctx.t('post_change_none');
    const size = { width: String(prepared.width), height: String(prepared.height), changes: changed };
    shown.push({ bytes: prepared.bytes, caption: images.length === 1 ? ctx.t('post_preview_image', size)
      : ctx.t('post_preview_album_image', { ...size, n: i + 1, count: images.length }) });
  }
  if (shown.length === 1) {
    await ctx.replyWithPhoto(new InputFile(shown[0]!.bytes, 'preview.jpg'), { caption: shown[0]!.caption, parse_mode: 'HTML' });
  } else {
    await ctx.replyWithMediaGroup(shown.map((s, i) => ({
      type: 'photo' as const, media: new InputFile(s.bytes, `preview-${i + 1}.jpg`), caption: s.caption, parse_mode: 'HTML' as const,
    })));
  }
  const keyboard = new InlineKeyboard()
    .text(ctx.t('post_now'), `ig:post:now:${post.id}`).text(ctx.t('post_schedule'), `ig:post:sched:${post.id}`).row()
    .text(ctx.t('post_add_to_queue'), `ig:post:queue:${post.id}`).row();
  if (changesSeen.has('padded')) keyboard.text(ctx.t('post_crop_instead'), `ig:post:fit:${post.id}:crop`).row();
  if (changesSeen.has('cropped')) keyboard.text(ctx.t('post_pad_instead'), `ig:post:fit:${post.id}:pad`).row();
  keyboard.text(ctx.t('cancel'), `ig:post:cancel:${post.id}`);
  const lines = [
    ctx.t('post_preview_title'), '',
    ctx.t('post_preview_account', { username: account.username }),
    images.length > 1 ? ctx.t('post_preview_carousel', { count: images.length }) : ctx.t('post_preview_single'),
    post.caption ? ctx.t('post_preview_caption', { caption: post.caption }) : ctx.t('post_preview_no_caption'),
  ];
  const tags = await readAutoHashtags(ctx.sql, ctx.from.id);
  if (tags.length && post.caption && appendHashtags(post.caption, tags).added === 0) lines.push(ctx.t('post_preview_tags'));
  if (post.alt_text) lines.push(ctx.t('post_preview_alt', { alt: post.alt_text }));
  lines.push('', ctx.t('post_when'));
  await updateDraft(ctx.sql, post.id, { draft_step: 'preview' });
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/**
 * Takes a caption for the draft (typed, sent with the picture, or a template's), checked as
 * Instagram will judge it; tells what is over a limit and keeps waiting for another.
 */
async function applyCaption(ctx: DmContext, post: PostRow, typed: string) {
  // The auto hashtags first: what is checked, shown and published is the caption with them.
  const { caption, added } = appendHashtags(typed, await readAutoHashtags(ctx.sql, ctx.from.id));
  const problem = checkCaption(caption)[0];
  if (problem) {
    const message = ctx.t(`post_caption_${problem.rule}`, { limit: problem.limit, actual: problem.actual });
    return void (await ctx.reply(added ? `${message}\n${ctx.t('post_caption_with_tags', { count: added })}` : message));
  }
  await updateDraft(ctx.sql, post.id, { caption });
  await afterCaption(ctx, post);
}

/** After the caption: alt text for a single image, else the preview. */
async function afterCaption(ctx: DmContext, post: PostRow) {
  const count = (await readPostImages(ctx.sql, post.id)).length;
  if (count === 1) {
    await updateDraft(ctx.sql, post.id, { draft_step: 'alt_text' });
    return void (await ctx.reply(ctx.t('post_ask_alt'), { reply_markup: new InlineKeyboard().text(ctx.t('post_skip'), `ig:post:skipalt:${post.id}`) }));
  }
  const fresh = await readPost(ctx.sql, ctx.from.id, post.id);
  if (fresh) await sendPreview(ctx, fresh);
}

/** Tells the user their post is scheduled, when, in their zone. */
async function confirmScheduled(ctx: DmContext, at: Date, now: boolean) {
  if (now) return void (await ctx.reply(ctx.t('post_publishing_now')));
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  await ctx.reply(ctx.t('post_scheduled', { when: describeTime(at, zone, ctx.locale) }), { parse_mode: 'HTML' });
}

async function scheduleAt(ctx: DmContext, postId: number, at: Date, now = false) {
  const result = await schedulePost(ctx.sql, ctx.from.id, postId, at);
  if (result.status === 'not-found') return void (await ctx.reply(ctx.t('post_gone')));
  if (result.status === 'too-late') return void (await ctx.reply(ctx.t(`post_already_${result.state}`)));
  // The draft stays: after an upgrade (or a published post freeing the queue) the same button works.
  if (result.status === 'quota') return void (await replyQuotaExceeded(ctx, result.exceeded));
  if (result.status === 'flagged') return void (await ctx.reply(ctx.t('post_flagged_keep_first', { id: postId }), { parse_mode: 'HTML' }));
  await awaitedInput.close(ctx.sql, ctx.chat.id, POST_INPUT);
  await awaitedInput.close(ctx.sql, ctx.chat.id, SCHEDULE_INPUT);
  await confirmScheduled(ctx, at, now);
}

/** The date and time choices, in the user's zone, for a draft or a scheduled post. */
export async function askForTime(ctx: DmContext, postId: number) {
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  const today = toZoned(new Date(), zone);
  const keyboard = new InlineKeyboard();
  let shown = 0;
  for (const dayOffset of [0, 1]) {
    const day = new Date(Date.UTC(today.year, today.month - 1, today.day + dayOffset));
    for (const hour of [9, 12, 15, 18, 21]) {
      const at = fromZoned({ year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate(), hour, minute: 0 }, zone);
      if (at.getTime() < Date.now() + 5 * 60_000) continue;
      const label = `${ctx.t(dayOffset === 0 ? 'post_today' : 'post_tomorrow')} ${String(hour).padStart(2, '0')}:00`;
      keyboard.text(label, `ig:post:at:${postId}:${Math.floor(at.getTime() / 60_000)}`);
      if (++shown % 3 === 0) keyboard.row();
    }
  }
  await awaitedInput.open(ctx.sql, ctx.chat.id, SCHEDULE_INPUT, { data: { postId }, ttlMs: DRAFT_TTL_MS });
  await ctx.reply(ctx.t('post_ask_time', { zone }), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** A typed `YYYY-MM-DD HH:MM` in the user's zone, for the post being scheduled. */
async function typedTime(ctx: DmContext, postId: number, text: string) {
  const local = parseLocalDateTime(text);
  if (!local) return void (await ctx.reply(ctx.t('post_time_invalid'), { parse_mode: 'HTML' }));
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  const at = fromZoned(local, zone);
  if (at.getTime() <= Date.now() + 60_000) return void (await ctx.reply(ctx.t('post_time_past', { zone }), { parse_mode: 'HTML' }));
  await scheduleAt(ctx, postId, at);
}

/** An image for the draft: checked as Instagram will judge it before it is taken. */
async function receiveImage(ctx: InputContext & DmContext, post: PostRow) {
  const image = messageImage(ctx.msg);
  if (!image) return;
  if (image.kind === 'unsupported') return void (await ctx.reply(ctx.t('post_unsupported_format'), { parse_mode: 'HTML' }));
  if (image.size !== undefined && image.size > TELEGRAM_DOWNLOAD_LIMIT) return void (await ctx.reply(ctx.t('post_file_too_large')));
  if (!(await withinRateLimit(ctx, 'image_upload'))) return;
  const groupId = ctx.msg.media_group_id;
  const images = await readPostImages(ctx.sql, post.id);
  // A second picture that is not part of the same album starts nothing new: one post at a time.
  if (images.length > 0 && (groupId === undefined || groupId !== post.media_group_id) && !images.some((i) => i.file_unique_id === image.fileUniqueId)) {
    return void (await ctx.reply(ctx.t('post_one_image_at_a_time')));
  }
  let prepared;
  try {
    prepared = await prepareImage(await downloadTelegramFile(ctx.api, image.fileId), { fit: post.fit });
  } catch (error) {
    if (error instanceof ImageRejectedError) return void (await ctx.reply(ctx.t(`post_image_${error.reason}`), { parse_mode: 'HTML' }));
    if (error instanceof Error && /file is too big/i.test(error.message)) return void (await ctx.reply(ctx.t('post_file_too_large')));
    throw error;
  }
  const count = await addDraftImage(ctx.sql, post.id, {
    fileId: image.fileId, fileUniqueId: image.fileUniqueId, format: prepared.original.format,
    width: prepared.original.width, height: prepared.original.height,
  }, groupId);
  if (count === 'full') return void (await ctx.reply(ctx.t('post_album_full')));
  const sent = ctx.msg.caption?.trim();
  if (sent) await updateDraft(ctx.sql, post.id, { caption: sent });
  // An album's caption comes with one of its pictures (Telegram puts it on the first): the later
  // pictures' prompts keep it rather than offer "No caption", which would throw it away.
  const caption = sent || post.caption;
  await updateDraft(ctx.sql, post.id, { draft_step: 'caption' });
  const keyboard = new InlineKeyboard()
    .text(ctx.t(caption ? 'post_keep_caption' : 'post_no_caption'), `ig:post:${caption ? 'capdone' : 'nocap'}:${post.id}`);
  if ((await countTemplates(ctx.sql, ctx.from.id)) > 0) keyboard.text(ctx.t('post_from_template'), `ig:post:tpl:${post.id}`);
  keyboard.row().text(ctx.t('cancel'), `ig:post:cancel:${post.id}`);
  await ctx.reply(ctx.t(count === 1 ? 'post_image_received' : 'post_album_image_received', {
    count, width: String(prepared.original.width), height: String(prepared.original.height), kb: Math.round((image.size ?? prepared.original.bytes) / 1024),
  }) + '\n\n' + ctx.t(caption ? 'post_caption_from_image' : 'post_ask_caption'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** The /post conversation and the buttons of its messages. */
export function postFeature(services: InstapostServices): Composer<BotContext> {
  void services;
  const feature = new Composer<BotContext>();
  const dm = feature.chatType('private');
  dm.command('post', async (ctx) => {
    if (await withinRateLimit(ctx, 'post_create')) await startPost(ctx);
  });
  dm.callbackQuery('menu:post', async (ctx) => {
    if (!(await withinRateLimit(ctx, 'post_create'))) return;
    await ctx.answerCallbackQuery();
    await startPost(ctx);
  });

  /** A press on a draft's button: the draft as it is now, or a word on why nothing happens. */
  const draftOf = async (ctx: DmContext, postId: number): Promise<PostRow | undefined> => {
    const post = await readPost(ctx.sql, ctx.from.id, postId);
    if (!post) return void (await ctx.reply(ctx.t('post_gone')));
    if (post.state !== 'draft') return void (await ctx.reply(ctx.t(`post_already_${post.state}`)));
    return post;
  };

  dm.callbackQuery(/^ig:post:(nocap|capdone):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[2]));
    if (!post) return;
    await applyCaption(ctx, post, ctx.match[1] === 'nocap' ? '' : post.caption);
  });
  // "From a template": the user's templates as buttons, then the chosen one is the caption.
  dm.callbackQuery(/^ig:post:tpl:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (!post) return;
    const templates = await readTemplates(ctx.sql, ctx.from.id);
    if (templates.length === 0) return void (await ctx.reply(ctx.t('post_no_templates')));
    const keyboard = new InlineKeyboard();
    for (const tpl of templates) keyboard.text(tpl.name, `ig:post:tplu:${post.id}:${tpl.id}`).row();
    keyboard.text(ctx.t('cancel'), `ig:post:cancel:${post.id}`);
    await ctx.reply(ctx.t('post_choose_template'), { reply_markup: keyboard });
  });
  dm.callbackQuery(/^ig:post:tplu:(\d+):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (!post) return;
    if (post.draft_step !== 'caption') return void (await ctx.reply(ctx.t('post_use_buttons')));
    const tpl = await readTemplate(ctx.sql, ctx.from.id, Number(ctx.match[2]));
    if (!tpl) return void (await ctx.reply(ctx.t('post_template_gone')));
    await applyCaption(ctx, post, tpl.body);
  });
  dm.callbackQuery(/^ig:post:skipalt:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (post) await sendPreview(ctx, post);
  });
  dm.callbackQuery(/^ig:post:fit:(\d+):(pad|crop)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (!post) return;
    await updateDraft(ctx.sql, post.id, { fit: ctx.match[2] as 'pad' | 'crop' });
    await sendPreview(ctx, { ...post, fit: ctx.match[2] as 'pad' | 'crop' });
  });
  dm.callbackQuery(/^ig:post:cancel:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const result = await cancelPost(ctx.sql, ctx.from.id, Number(ctx.match[1]));
    await awaitedInput.close(ctx.sql, ctx.chat.id, POST_INPUT);
    await ctx.reply(ctx.t(result === 'cancelled' ? 'post_cancelled' : result === 'too-late' ? 'post_cancel_too_late' : 'post_gone'));
  });
  dm.callbackQuery(/^ig:post:now:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    await scheduleAt(ctx, Number(ctx.match[1]), new Date(), true);
  });
  dm.callbackQuery(/^ig:post:sched:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (!post) return;
    await updateDraft(ctx.sql, post.id, { draft_step: 'schedule' });
    await askForTime(ctx, post.id);
  });
  dm.callbackQuery(/^ig:post:at:(\d+):(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const at = new Date(Number(ctx.match[2]) * 60_000);
    if (at.getTime() <= Date.now()) return void (await ctx.reply(ctx.t('post_time_past', { zone: (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC' }), { parse_mode: 'HTML' }));
    await scheduleAt(ctx, Number(ctx.match[1]), at);
  });
  dm.callbackQuery(/^ig:post:queue:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const post = await draftOf(ctx, Number(ctx.match[1]));
    if (!post) return;
    const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
    const slot = await nextFreeSlot(ctx.sql, ctx.from.id, zone);
    if (!slot) return void (await ctx.reply(ctx.t('post_no_slots'), { parse_mode: 'HTML' }));
    await scheduleAt(ctx, post.id, slot);
  });
  return feature;
}

/** The conversation's answers: images, the caption, the alt text, a typed date. */
export function postInputs(): Record<string, InputHandler> {
  return {
    [POST_INPUT]: async (ctx, data, next) => {
      const { postId } = data as { postId: number };
      const post = await readPost(ctx.sql, ctx.from.id, postId);
      if (!post || post.state !== 'draft') {
        await awaitedInput.close(ctx.sql, ctx.chat.id, POST_INPUT);
        return next();
      }
      if (ctx.msg.photo || ctx.msg.document) {
        if (post.draft_step === 'images' || post.draft_step === 'caption') return receiveImage(ctx, post);
        return void (await ctx.reply(ctx.t('post_use_buttons')));
      }
      const text = ctx.msg.text?.trim();
      if (text === undefined) return next();
      if (post.draft_step === 'images') return void (await ctx.reply(ctx.t('post_send_image_first')));
      if (post.draft_step === 'caption') return applyCaption(ctx, post, text);
      if (post.draft_step === 'alt_text') {
        const problems = checkCaption('', text);
        if (problems.length) return void (await ctx.reply(ctx.t('post_caption_altText', { limit: problems[0]!.limit, actual: problems[0]!.actual })));
        await updateDraft(ctx.sql, post.id, { alt_text: text });
        const fresh = await readPost(ctx.sql, ctx.from.id, post.id);
        if (fresh) await sendPreview(ctx, fresh);
        return;
      }
      if (post.draft_step === 'schedule') return typedTime(ctx, post.id, text);
      await ctx.reply(ctx.t('post_use_buttons'));
    },
    [SCHEDULE_INPUT]: async (ctx, data, next) => {
      const text = ctx.msg.text?.trim();
      if (text === undefined) return next();
      await typedTime(ctx, (data as { postId: number }).postId, text);
    },
  };
}
