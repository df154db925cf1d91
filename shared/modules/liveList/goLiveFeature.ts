import { Composer } from 'grammy';
import { goLive } from './goLive.js';
import type { BotContext } from '../../bot/botContext.js';

/** `/golive` (and the menu's button): spends points to put the user's Instagram on the live list. */
export const goLiveFeature = new Composer<BotContext>();

const dm = goLiveFeature.chatType('private');

async function runGoLive(ctx: BotContext & { from: NonNullable<BotContext['from']> }) {
  const { t, settings } = ctx;
  const result = await goLive(ctx.sql, ctx.from.id, { cost: settings.goLiveCost, minutes: settings.goLiveMinutes });
  let text: string;
  switch (result.status) {
    case 'not_registered':
      text = t('start_first');
      break;
    case 'no_username':
      text = t('golive_no_username');
      break;
    case 'already_live':
      text = t('golive_already', { username: result.username, minutes: t('minutes', { count: result.minutesLeft }) });
      break;
    case 'not_enough_points':
      text = t('golive_not_enough', {
        cost: t('points', { count: result.cost }),
        balance: t('points', { count: result.balance }),
        daily: t('points', { count: settings.dailyPoints }),
        perReferral: t('points', { count: settings.pointsPerReferral }),
      });
      break;
    case 'live':
      text = [
        t('golive_done', { username: result.username, minutes: t('minutes', { count: result.minutes }) }),
        result.unlimited
          ? t('golive_free')
          : t('golive_paid', { cost: t('points', { count: result.cost }), balance: t('points', { count: result.balance }) }),
      ].join('\n');
      break;
  }
  await ctx.reply(text, { parse_mode: 'HTML' });
}

dm.command('golive', runGoLive);

dm.callbackQuery('menu:golive', async (ctx) => {
  await ctx.answerCallbackQuery();
  await runGoLive(ctx);
});
