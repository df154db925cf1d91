import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { askForTime } from './postFeature.js';
import { expireLapsedPlans } from '../plans/expireLapsedPlans.js';
import { formatLimit, planName, replyQuotaExceeded, UPGRADE_DATA } from '../plans/quotaExceeded.js';
import { cancelPost, readHistory, readQueue, schedulePost } from './posts.js';
import { reasonKey } from './publishPost.js';
import { FLAGGED_DATA, readSetAside } from './setAsideNotice.js';
import { readUserTimeZone } from './userTimeZone.js';
import { describeTime } from './zonedTime.js';

const PAGE_SIZE = 5;
type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

const excerpt = (caption: string) => (caption.length > 60 ? `${[...caption].slice(0, 60).join('')}…` : caption);

/**
 * `/queue`: upcoming posts, a page at a time, each with Cancel / Reschedule / Post now. Posts set
 * aside over the plan's queue (a plan ended) come first, marked, each with Keep and
 * Cancel; while some are set aside, a queued post can be set aside in turn to make room for one.
 */
export async function showQueue(ctx: DmContext, page: number) {
  // A plan past its end, not yet swept, is ended first (the publish job's rule), so the queue
  // shows the posts it sets aside as such rather than as going out.
  await expireLapsedPlans(ctx.sql, new Date(), { userId: ctx.from.id });
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  const { posts, total } = await readQueue(ctx.sql, ctx.from.id, page, PAGE_SIZE);
  if (total === 0) return void (await ctx.reply(ctx.t('queue_empty')));
  const setAside = await readSetAside(ctx.sql, ctx.from.id);
  const pages = Math.ceil(total / PAGE_SIZE);
  const lines = [ctx.t('queue_title', { page: page + 1, pages }), ''];
  if (setAside) lines.push(ctx.t('queue_flagged_header', { count: setAside.count, plan: planName(ctx.t, setAside.plan), queue: formatLimit(ctx.t, setAside.limit) }), '');
  const keyboard = new InlineKeyboard();
  const now = Date.now();
  for (const p of posts) {
    const params = { id: p.id, username: p.username ?? '?', when: describeTime(p.scheduled_at!, zone, ctx.locale), caption: excerpt(p.caption) };
    if (p.flagged_at) {
      lines.push(ctx.t(p.scheduled_at!.getTime() <= now ? 'queue_line_flagged_overdue' : 'queue_line_flagged', params));
      keyboard.text(ctx.t('queue_keep', { id: p.id }), FLAGGED_DATA.keep(p.id)).text(ctx.t('queue_cancel', { id: p.id }), `ig:q:cancel:${p.id}`).row();
      continue;
    }
    lines.push(ctx.t(p.state === 'publishing' ? 'queue_line_publishing' : 'queue_line', params));
    if (p.state === 'scheduled') {
      keyboard.text(ctx.t('queue_now', { id: p.id }), `ig:q:now:${p.id}`).text(ctx.t('queue_reschedule', { id: p.id }), `ig:q:resched:${p.id}`)
        .text(ctx.t('queue_cancel', { id: p.id }), `ig:q:cancel:${p.id}`);
      if (setAside) keyboard.text(ctx.t('queue_set_aside', { id: p.id }), FLAGGED_DATA.aside(p.id));
      keyboard.row();
    }
  }
  if (page > 0) keyboard.text('◀️', `ig:q:page:${page - 1}`);
  if (page + 1 < pages) keyboard.text('▶️', `ig:q:page:${page + 1}`);
  if (setAside) {
    keyboard.row();
    if (setAside.room === null || setAside.room > 0) {
      keyboard.text(ctx.t('flagged_keep_fit', { count: Math.min(setAside.count, setAside.room ?? setAside.count) }), FLAGGED_DATA.fit).row();
    }
    keyboard.text(ctx.t('flagged_delete', { count: setAside.count }), FLAGGED_DATA.deleteAsk).text(ctx.t('plan_upgrade_button'), UPGRADE_DATA);
  }
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

/** `/history`: published posts with their links, failed ones with the reason. */
async function showHistory(ctx: DmContext, page: number) {
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  const { posts, total } = await readHistory(ctx.sql, ctx.from.id, page, PAGE_SIZE);
  if (total === 0) return void (await ctx.reply(ctx.t('history_empty')));
  const pages = Math.ceil(total / PAGE_SIZE);
  const lines = [ctx.t('history_title', { page: page + 1, pages }), ''];
  for (const p of posts) {
    // Published: when it went live; failed: when it failed (its last change).
    const when = describeTime(p.state === 'published' ? p.published_at ?? p.updated_at : p.updated_at, zone, ctx.locale);
    if (p.state === 'published') {
      lines.push(p.permalink ? ctx.t('history_published', { username: p.username ?? '?', when, link: p.permalink })
        : ctx.t('history_published_no_link', { username: p.username ?? '?', when }));
    } else {
      const why = ctx.t(reasonKey(p.error_reason ?? 'other'));
      lines.push(p.error_image === null ? ctx.t('history_failed', { username: p.username ?? '?', when, why })
        : ctx.t('history_failed_image', { username: p.username ?? '?', when, why, image: p.error_image }));
    }
  }
  const keyboard = new InlineKeyboard();
  if (page > 0) keyboard.text('◀️', `ig:h:page:${page - 1}`);
  if (page + 1 < pages) keyboard.text('▶️', `ig:h:page:${page + 1}`);
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard, link_preview_options: { is_disabled: true } });
}

/** /queue and /history with their buttons. */
export const queueFeature = new Composer<BotContext>();
const dm = queueFeature.chatType('private');

dm.command('queue', (ctx) => showQueue(ctx, 0));
dm.command('history', (ctx) => showHistory(ctx, 0));
dm.callbackQuery('menu:queue', async (ctx) => {
  await ctx.answerCallbackQuery();
  await showQueue(ctx, 0);
});
dm.callbackQuery(/^ig:q:page:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showQueue(ctx, Number(ctx.match[1]));
});
dm.callbackQuery(/^ig:h:page:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await showHistory(ctx, Number(ctx.match[1]));
});
dm.callbackQuery(/^ig:q:cancel:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const result = await cancelPost(ctx.sql, ctx.from.id, Number(ctx.match[1]));
  await ctx.reply(ctx.t(result === 'cancelled' ? 'post_cancelled' : result === 'too-late' ? 'post_cancel_too_late' : 'post_gone'));
});
dm.callbackQuery(/^ig:q:now:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  // A second press while the first's job has not started makes a newer version: the older job
  // then does nothing. Once publishing has started, the press is refused. Either way, one post.
  const result = await schedulePost(ctx.sql, ctx.from.id, Number(ctx.match[1]), new Date());
  if (result.status === 'not-found') return void (await ctx.reply(ctx.t('post_gone')));
  if (result.status === 'too-late') return void (await ctx.reply(ctx.t(`post_already_${result.state}`)));
  if (result.status === 'quota') return void (await replyQuotaExceeded(ctx, result.exceeded));
  if (result.status === 'flagged') return void (await ctx.reply(ctx.t('post_flagged_keep_first', { id: Number(ctx.match[1]) }), { parse_mode: 'HTML' }));
  await ctx.reply(ctx.t('post_publishing_now'));
});
dm.callbackQuery(/^ig:q:resched:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  await askForTime(ctx, Number(ctx.match[1]));
});
