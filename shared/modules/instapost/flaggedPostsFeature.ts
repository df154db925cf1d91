import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import { formatLimit, planName, UPGRADE_DATA } from '../plans/quotaExceeded.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { deleteFlaggedPosts, keepFlaggedPosts, type KeepResult, setPostAside } from './keepFlaggedPosts.js';
import { showQueue } from './queueFeature.js';
import { FLAGGED_DATA, readSetAside } from './setAsideNotice.js';
import { readUserTimeZone } from './userTimeZone.js';
import { describeTime } from './zonedTime.js';

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** What a Keep press did, in words: each post brought back and when it goes out, or why none was. */
async function replyKept(ctx: DmContext, result: KeepResult, postId?: number) {
  const { t } = ctx;
  if (result.status === 'none') return void (await ctx.reply(postId === undefined ? t('flagged_none') : t('flagged_post_not_set_aside', { id: postId })));
  if (result.status === 'full') {
    const plan = await readUserPlan(ctx.sql, ctx.from.id);
    return void (await ctx.reply(t('flagged_queue_full', { plan: planName(t, plan.plan), queue: formatLimit(t, result.limit) }),
      { parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(t('plan_upgrade_button'), UPGRADE_DATA) }));
  }
  const zone = (await readUserTimeZone(ctx.sql, ctx.from.id)) ?? 'UTC';
  const lines = result.kept.map((k) => {
    const when = k.at ? describeTime(k.at, zone, ctx.locale) : '';
    return t(k.moved ? 'flagged_kept_moved' : 'flagged_kept', { id: k.id, when });
  });
  if (result.flaggedLeft > 0) lines.push('', t('flagged_left', { count: result.flaggedLeft }));
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML' });
}

/**
 * The buttons of posts set aside when a plan ended (the plan notice's and /queue's): keep one,
 * keep the earliest that fit, set a queued one aside to make room, delete them all (asked
 * first). Every press acts on the presser's own posts only (each query names the user) and
 * re-reads them, so a second press, or a press after the posts moved on, does nothing more.
 */
export const flaggedPostsFeature = new Composer<BotContext>();
const dm = flaggedPostsFeature.chatType('private');

dm.callbackQuery(/^ig:fl:keep:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const postId = Number(ctx.match[1]);
  await replyKept(ctx, await keepFlaggedPosts(ctx.sql, ctx.from.id, { postId }), postId);
});
dm.callbackQuery(FLAGGED_DATA.fit, async (ctx) => {
  await ctx.answerCallbackQuery();
  await replyKept(ctx, await keepFlaggedPosts(ctx.sql, ctx.from.id, 'fit'));
});
dm.callbackQuery(/^ig:fl:aside:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const id = Number(ctx.match[1]);
  if (!(await setPostAside(ctx.sql, ctx.from.id, id))) return void (await ctx.reply(ctx.t('flagged_aside_not_queued', { id })));
  await ctx.reply(ctx.t('flagged_aside_done', { id }), { parse_mode: 'HTML' });
  await showQueue(ctx, 0);
});
dm.callbackQuery(FLAGGED_DATA.deleteAsk, async (ctx) => {
  await ctx.answerCallbackQuery();
  const setAside = await readSetAside(ctx.sql, ctx.from.id);
  if (!setAside) return void (await ctx.reply(ctx.t('flagged_none')));
  await ctx.reply(ctx.t('flagged_delete_ask', { count: setAside.count }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('flagged_delete_yes', { count: setAside.count }), FLAGGED_DATA.deleteYes),
  });
});
dm.callbackQuery(FLAGGED_DATA.deleteYes, async (ctx) => {
  await ctx.answerCallbackQuery();
  const deleted = await deleteFlaggedPosts(ctx.sql, ctx.from.id);
  await ctx.reply(deleted ? ctx.t('flagged_deleted', { count: deleted }) : ctx.t('flagged_none'));
});
