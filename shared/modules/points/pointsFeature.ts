import { Composer } from 'grammy';
import { readPointsSummary } from './readPointsSummary.js';
import { referralLink } from '../users/referralLink.js';
import type { BotContext } from '../../bot/botContext.js';

/** `/points` (and the menu's button): balance, today's bonus, invite link and how many joined. */
export const pointsFeature = new Composer<BotContext>();

const dm = pointsFeature.chatType('private');

async function showPoints(ctx: BotContext & { from: NonNullable<BotContext['from']> }) {
  const { t, settings } = ctx;
  const summary = await readPointsSummary(ctx.sql, ctx.from.id);
  if (!summary) return void (await ctx.reply(t('start_first')));
  const lines = [
    t('points_title'),
    '',
    summary.unlimited ? t('points_unlimited') : t('points_balance', { balance: t('points', { count: summary.balance }) }),
  ];
  if (summary.dailyToday > 0) lines.push(t('points_daily', { daily: t('points', { count: summary.dailyToday }) }));
  lines.push(
    t('points_referrals', { count: summary.referrals }),
    '',
    t('points_invite', {
      perReferral: t('points', { count: settings.pointsPerReferral }),
      link: referralLink(ctx.me.username, summary.referralCode),
    }),
  );
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
}

dm.command('points', showPoints);

dm.callbackQuery('menu:points', async (ctx) => {
  await ctx.answerCallbackQuery();
  await showPoints(ctx);
});
