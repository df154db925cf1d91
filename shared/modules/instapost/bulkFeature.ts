import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputContext, InputHandler } from '../../bot/BotModule.js';
import { withinRateLimit } from '../../bot/rateLimit/withinRateLimit.js';
import type { MessageKey } from '../../i18n/catalogs.js';
import { formatLimit, planName, replyQuotaExceeded, UPGRADE_DATA } from '../plans/quotaExceeded.js';
import { nextPlan } from '../plans/plans.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { appendHashtags, readAutoHashtags } from './autoHashtags.js';
import { addBulkImage, BULK_TTL_MS, type BulkUploadRow, cancelBulkUpload, countBulkImages, type NotCreatedReason, readBulkUpload,
  startBulkUpload, updateBulkUpload } from './bulkUploads.js';
import { countTemplates, readTemplate, readTemplates } from './captionTemplates.js';
import { checkCaption } from './checkCaption.js';
import { downloadTelegramFile, TELEGRAM_DOWNLOAD_LIMIT } from './downloadTelegramFile.js';
import { readAccount, readAccounts } from './instagramAccounts.js';
import { messageImage } from './messageImage.js';
import { readSlots } from './nextFreeSlot.js';
import { ImageRejectedError, prepareImage } from './prepareImage.js';
import { type BulkFit, fitBulkUpload, scheduleBulkUpload } from './scheduleBulkUpload.js';
import { readUserTimeZone } from './userTimeZone.js';
import { describeTime, formatInZone } from './zonedTime.js';

/** The input kind of a bulk upload: its photos, then its caption; data is the upload's id. */
export const BULK_INPUT = 'instapost_bulk';

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** The plan's limit behind each reason a photo can be left out (slots are no plan's limit). */
const LIMIT_OF = { bulk: 'bulkUpload', queue: 'queueSize', posts: 'postsPerMonth' } as const;

/** The changes worth telling (rotation and recompression are not a change the user sees). */
const SHOWN_CHANGES = new Set(['converted', 'resized', 'padded', 'cropped']);

const zoneOf = async (ctx: DmContext) => (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';

/** Photo numbers as a reader takes them in: `3, 5, 8–10`. */
export function describePositions(positions: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < positions.length; i++) {
    let j = i;
    while (j + 1 < positions.length && positions[j + 1] === positions[j]! + 1) j++;
    parts.push(j > i ? `${positions[i]}–${positions[j]}` : String(positions[i]));
    i = j;
  }
  return parts.join(', ');
}

function describeChanges(ctx: DmContext, changes: readonly string[]): string {
  const shown = changes.filter((c) => SHOWN_CHANGES.has(c));
  return shown.length ? shown.map((c) => ctx.t(`post_change_${c}` as MessageKey)).join(', ') : ctx.t('post_change_none');
}

/** /bulk: Free and Basic get the plans' message; otherwise the account is chosen (with several) and photos are asked for. */
async function startBulk(ctx: DmContext) {
  const [user] = await ctx.sql`select 1 from users where id = ${ctx.from.id}`;
  if (!user) return void (await ctx.reply(ctx.t('start_first')));
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  if (plan.limits.bulkUpload <= 0) return void (await replyQuotaExceeded(ctx, { kind: 'bulk', plan, used: 0, limit: plan.limits.bulkUpload }));
  const accounts = await readAccounts(ctx.sql, ctx.from.id);
  if (accounts.length === 0) return void (await ctx.reply(ctx.t('post_no_account')));
  // The posts go into the weekly slots: without any there is nothing to schedule them into.
  if ((await readSlots(ctx.sql, ctx.from.id)).length === 0) return void (await ctx.reply(ctx.t('bulk_no_slots'), { parse_mode: 'HTML' }));
  if (accounts.length === 1) return openBulk(ctx, accounts[0]!.id);
  const keyboard = new InlineKeyboard();
  for (const a of accounts) keyboard.text(`${a.is_default ? '⭐ ' : ''}@${a.username}`, `ig:bulk:acc:${a.id}`).row();
  await ctx.reply(ctx.t('bulk_choose_account'), { reply_markup: keyboard });
}

async function openBulk(ctx: DmContext, accountId: number) {
  const account = await readAccount(ctx.sql, ctx.from.id, accountId);
  if (!account) return void (await ctx.reply(ctx.t('post_no_account')));
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const bulkId = await startBulkUpload(ctx.sql, ctx.from.id, account.id);
  await awaitedInput.open(ctx.sql, ctx.chat.id, BULK_INPUT, { data: { bulkId }, ttlMs: BULK_TTL_MS });
  await ctx.reply(ctx.t('bulk_start', { username: account.username, limit: plan.limits.bulkUpload }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('cancel'), `ig:bulk:cancel:${bulkId}`),
  });
}

/**
 * A photo for the upload, checked as /post checks one (formats, size, what preparing it for
 * Instagram changes) and kept in the order received. Past the plan's number it is refused with
 * the plans' message, once per album; what was received stays.
 */
async function receiveBulkImage(ctx: InputContext & DmContext, bulk: BulkUploadRow) {
  const image = messageImage(ctx.msg);
  if (!image) return;
  if (image.kind === 'unsupported') return void (await ctx.reply(ctx.t('post_unsupported_format'), { parse_mode: 'HTML' }));
  if (image.size !== undefined && image.size > TELEGRAM_DOWNLOAD_LIMIT) return void (await ctx.reply(ctx.t('post_file_too_large')));
  if (!(await withinRateLimit(ctx, 'bulk_image'))) return;
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const limit = plan.limits.bulkUpload;
  // Before the download: a photo past the limit costs nothing but the answer.
  const before = await countBulkImages(ctx.sql, bulk.id);
  if (before >= limit) return tellFull(ctx, bulk, before, limit);
  let prepared;
  try {
    // As /post's default fit: padded, nothing lost.
    prepared = await prepareImage(await downloadTelegramFile(ctx.api, image.fileId), { fit: 'pad' });
  } catch (error) {
    if (error instanceof ImageRejectedError) return void (await ctx.reply(ctx.t(`post_image_${error.reason}`), { parse_mode: 'HTML' }));
    if (error instanceof Error && /file is too big/i.test(error.message)) return void (await ctx.reply(ctx.t('post_file_too_large')));
    throw error;
  }
  const added = await addBulkImage(ctx.sql, bulk.id, {
    fileId: image.fileId, fileUniqueId: image.fileUniqueId, format: prepared.original.format,
    width: prepared.original.width, height: prepared.original.height, changes: prepared.changes,
  }, limit);
  if (added.status === 'gone') return void (await ctx.reply(ctx.t('bulk_gone')));
  if (added.status === 'full') return tellFull(ctx, bulk, added.count, limit);
  const sent = ctx.msg.caption?.trim();
  if (sent) await updateBulkUpload(ctx.sql, bulk.id, { caption: sent });
  const keyboard = new InlineKeyboard()
    .text(ctx.t('bulk_done_button', { count: added.count }), `ig:bulk:done:${bulk.id}`).row()
    .text(ctx.t('cancel'), `ig:bulk:cancel:${bulk.id}`);
  if (added.status === 'duplicate') return void (await ctx.reply(ctx.t('bulk_duplicate', { count: added.count }), { reply_markup: keyboard }));
  await ctx.reply(ctx.t('bulk_received', {
    n: added.count, limit, width: String(prepared.original.width), height: String(prepared.original.height),
    changes: describeChanges(ctx, prepared.changes),
  }), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** The N+1th photo: the plans' message, once for an album (its other photos arrive as messages of their own). */
async function tellFull(ctx: InputContext & DmContext, bulk: BulkUploadRow, count: number, limit: number) {
  const group = ctx.msg.media_group_id;
  if (group !== undefined) {
    const fresh = await readBulkUpload(ctx.sql, ctx.from.id, bulk.id);
    if (fresh?.full_told_group === group) return;
    await updateBulkUpload(ctx.sql, bulk.id, { full_told_group: group });
  }
  await replyQuotaExceeded(ctx, { kind: 'bulk', plan: await readUserPlan(ctx.sql, ctx.from.id), used: count, limit });
}

/** Done: the one caption for every post. */
async function askCaption(ctx: DmContext, bulk: BulkUploadRow) {
  const count = await countBulkImages(ctx.sql, bulk.id);
  if (count === 0) return void (await ctx.reply(ctx.t('bulk_empty')));
  await updateBulkUpload(ctx.sql, bulk.id, { step: 'caption' });
  const keyboard = new InlineKeyboard();
  if (bulk.caption) keyboard.text(ctx.t('post_keep_caption'), `ig:bulk:capdone:${bulk.id}`);
  keyboard.text(ctx.t('post_no_caption'), `ig:bulk:nocap:${bulk.id}`);
  if ((await countTemplates(ctx.sql, ctx.from.id)) > 0) keyboard.text(ctx.t('post_from_template'), `ig:bulk:tpl:${bulk.id}`);
  keyboard.row().text(ctx.t('cancel'), `ig:bulk:cancel:${bulk.id}`);
  const lines = [ctx.t('bulk_ask_caption', { count })];
  if (bulk.caption) lines.push('', ctx.t('bulk_caption_from_photo', { caption: bulk.caption }));
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** A caption for all of them (typed, from a photo, or a template's), with the auto hashtags, held to Instagram's limits. */
async function applyCaption(ctx: DmContext, bulk: BulkUploadRow, typed: string) {
  const { caption, added } = appendHashtags(typed, await readAutoHashtags(ctx.sql, ctx.from.id));
  const problem = checkCaption(caption)[0];
  if (problem) {
    const message = ctx.t(`post_caption_${problem.rule}`, { limit: problem.limit, actual: problem.actual });
    return void (await ctx.reply(added ? `${message}\n${ctx.t('post_caption_with_tags', { count: added })}` : message));
  }
  await updateBulkUpload(ctx.sql, bulk.id, { caption, step: 'confirm' });
  await showSummary(ctx, bulk.id);
}

/** Why photos are left out, in words, with the plan's numbers. */
function reasonText(ctx: DmContext, limitedBy: NonNullable<BulkFit['limitedBy']>): string {
  const params = { plan: planName(ctx.t, limitedBy.plan.plan), used: limitedBy.used, limit: formatLimit(ctx.t, limitedBy.limit) };
  return ctx.t(`bulk_reason_${limitedBy.reason}`, params);
}

/**
 * Before confirming: the account, the caption, each post's time and what preparing its picture
 * changes, and how many fit the plan now, naming the photos that would not be created and why.
 */
async function showSummary(ctx: DmContext, bulkId: number) {
  const zone = await zoneOf(ctx);
  const fit = await fitBulkUpload(ctx.sql, ctx.from.id, bulkId, zone);
  const account = fit?.accountId == null ? undefined : await readAccount(ctx.sql, ctx.from.id, fit.accountId);
  if (!fit || !account) return void (await ctx.reply(ctx.t('bulk_gone')));
  const lines = [
    ctx.t('bulk_summary_title', { username: account.username }), '',
    ctx.t('bulk_summary_count', { count: fit.images.length }),
    fit.caption ? ctx.t('post_preview_caption', { caption: fit.caption }) : ctx.t('post_preview_no_caption'),
  ];
  if (fit.fits > 0) {
    lines.push('', ctx.t('bulk_summary_times', { zone }));
    for (const [i, image] of fit.images.slice(0, fit.fits).entries()) {
      lines.push(ctx.t('bulk_summary_line', { n: image.position, when: formatInZone(fit.slots[i]!, zone, ctx.locale), changes: describeChanges(ctx, image.changes) }));
    }
  }
  lines.push('');
  if (!fit.limitedBy) lines.push(ctx.t('bulk_fits_all', { count: fit.images.length }));
  else {
    const left = fit.images.slice(fit.fits).map((i) => i.position);
    lines.push(ctx.t('bulk_fits_some', { fits: fit.fits, total: fit.images.length, count: left.length, photos: describePositions(left), reason: reasonText(ctx, fit.limitedBy) }));
  }
  const keyboard = new InlineKeyboard();
  if (fit.fits > 0) keyboard.text(ctx.t('bulk_confirm_button', { count: fit.fits }), `ig:bulk:go:${bulkId}`).row();
  const limitedBy = fit.limitedBy;
  if (limitedBy && limitedBy.reason !== 'slots' && nextPlan(limitedBy.plan.plan, LIMIT_OF[limitedBy.reason])) {
    keyboard.text(ctx.t('plan_upgrade_button'), UPGRADE_DATA).row();
  }
  keyboard.text(ctx.t('cancel'), `ig:bulk:cancel:${bulkId}`);
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** Confirm: the posts, then what was made, and exactly which photos were not and why. */
async function confirmBulk(ctx: DmContext, bulkId: number) {
  const zone = await zoneOf(ctx);
  const result = await scheduleBulkUpload(ctx.sql, ctx.from.id, bulkId, zone);
  if (result.status === 'gone') return void (await ctx.reply(ctx.t('bulk_gone')));
  if (result.status === 'changed') return void (await ctx.reply(ctx.t('bulk_changed')));
  if (result.status === 'already') return void (await ctx.reply(ctx.t('bulk_already_scheduled', { count: result.created })));
  await awaitedInput.close(ctx.sql, ctx.chat.id, BULK_INPUT);
  const { created, notCreated, exceeded } = result.outcome;
  const lines: string[] = [];
  if (created.length) {
    lines.push(ctx.t(created.length === 1 ? 'bulk_scheduled_one' : 'bulk_scheduled', {
      count: created.length, first: describeTime(created[0]!.at, zone, ctx.locale), last: describeTime(created.at(-1)!.at, zone, ctx.locale),
    }));
  } else lines.push(ctx.t('bulk_scheduled_none'));
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  for (const reason of ['bulk', 'queue', 'posts', 'slots'] as const satisfies readonly NotCreatedReason[]) {
    const left = notCreated.filter((n) => n.reason === reason).map((n) => n.position);
    if (left.length === 0) continue;
    const numbers = reason === 'bulk' ? { used: left.length + created.length, limit: plan.limits.bulkUpload }
      : exceeded ? { used: exceeded.used, limit: exceeded.limit } : { used: 0, limit: null };
    lines.push('', ctx.t('bulk_not_created', { count: left.length, photos: describePositions(left), reason: reasonText(ctx, { reason, plan, ...numbers }) }));
  }
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML' });
  // The plans' own message, with its Upgrade button, when a limit of the plan refused posts.
  if (exceeded) await replyQuotaExceeded(ctx, exceeded);
}

/** /bulk and the buttons of its messages. */
export const bulkFeature = new Composer<BotContext>();
const dm = bulkFeature.chatType('private');

dm.command('bulk', async (ctx) => {
  if (await withinRateLimit(ctx, 'post_create')) await startBulk(ctx);
});

/** A press on an upload's button: the upload as it is now if still collecting, or a word on why nothing happens. */
async function collecting(ctx: DmContext, bulkId: number): Promise<BulkUploadRow | undefined> {
  const bulk = await readBulkUpload(ctx.sql, ctx.from.id, bulkId);
  if (bulk?.state === 'collecting') return bulk;
  if (bulk?.state === 'scheduled') {
    const [{ created } = { created: 0 }] = await ctx.sql<{ created: number }[]>`
      select count(post_id)::int as created from bulk_upload_images where bulk_upload_id = ${bulkId}`;
    return void (await ctx.reply(ctx.t('bulk_already_scheduled', { count: created })));
  }
  return void (await ctx.reply(ctx.t('bulk_gone')));
}

dm.callbackQuery(/^ig:bulk:acc:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await openBulk(ctx, Number(ctx.match[1]));
});
dm.callbackQuery(/^ig:bulk:done:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const bulk = await collecting(ctx, Number(ctx.match[1]));
  if (bulk) await askCaption(ctx, bulk);
});
dm.callbackQuery(/^ig:bulk:(nocap|capdone):(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const bulk = await collecting(ctx, Number(ctx.match[2]));
  if (bulk) await applyCaption(ctx, bulk, ctx.match[1] === 'nocap' ? '' : bulk.caption);
});
dm.callbackQuery(/^ig:bulk:tpl:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const bulk = await collecting(ctx, Number(ctx.match[1]));
  if (!bulk) return;
  const templates = await readTemplates(ctx.sql, ctx.from.id);
  if (templates.length === 0) return void (await ctx.reply(ctx.t('post_no_templates')));
  const keyboard = new InlineKeyboard();
  for (const tpl of templates) keyboard.text(tpl.name, `ig:bulk:tplu:${bulk.id}:${tpl.id}`).row();
  keyboard.text(ctx.t('cancel'), `ig:bulk:cancel:${bulk.id}`);
  await ctx.reply(ctx.t('post_choose_template'), { reply_markup: keyboard });
});
dm.callbackQuery(/^ig:bulk:tplu:(\d+):(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const bulk = await collecting(ctx, Number(ctx.match[1]));
  if (!bulk) return;
  const tpl = await readTemplate(ctx.sql, ctx.from.id, Number(ctx.match[2]));
  if (!tpl) return void (await ctx.reply(ctx.t('post_template_gone')));
  await applyCaption(ctx, bulk, tpl.body);
});
dm.callbackQuery(/^ig:bulk:go:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await confirmBulk(ctx, Number(ctx.match[1]));
});
dm.callbackQuery(/^ig:bulk:cancel:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const result = await cancelBulkUpload(ctx.sql, ctx.from.id, Number(ctx.match[1]));
  if (result === 'cancelled') await awaitedInput.close(ctx.sql, ctx.chat.id, BULK_INPUT);
  await ctx.reply(ctx.t(result === 'cancelled' ? 'bulk_cancelled' : result === 'scheduled' ? 'bulk_cancel_too_late' : 'bulk_gone'));
});

/** The upload's answers: photos at any step (one added after the summary asks for Done again), and the caption. */
export const bulkInputs: Record<string, InputHandler> = {
  [BULK_INPUT]: async (ctx, data, next) => {
    const bulk = await readBulkUpload(ctx.sql, ctx.from.id, (data as { bulkId: number }).bulkId);
    if (bulk?.state !== 'collecting') {
      await awaitedInput.close(ctx.sql, ctx.chat.id, BULK_INPUT);
      return next();
    }
    if (ctx.msg.photo || ctx.msg.document) return receiveBulkImage(ctx, bulk);
    const text = ctx.msg.text?.trim();
    if (text === undefined) return next();
    if (bulk.step === 'images') return void (await ctx.reply(ctx.t('bulk_send_photos_first')));
    await applyCaption(ctx, bulk, text);
  },
};
