import { Composer } from 'grammy';
import { mainMenu } from '../../bot/mainMenu.js';
import { displayName } from '../../i18n/displayName.js';
import { enqueue } from '../../queue/enqueue.js';
import { grantDailyPoints } from '../points/grantDailyPoints.js';
import { parseReferralCode } from './parseReferralCode.js';
import { referralNoticeJob } from './referralNoticeJob.js';
import { registerUser } from './registerUser.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * `/start` in a private chat: registers the user (crediting whoever invited them, when they
 * came through an invite link) or refreshes a returning one, and shows the main menu.
 *
 * All of it is one transaction with the reply (createBot.ts): if the reply fails, the
 * registration is undone too, so the retry welcomes a new user as new and credits the referrer
 * then. The referrer's notice is a job enqueued in that transaction: sent only if the credit
 * committed, retried on its own, and never in the way of the new user's welcome.
 */
export const startFeature = new Composer<BotContext>();

startFeature.chatType('private').command('start', async (ctx) => {
  const { settings } = ctx;
  const name = displayName(ctx.from.first_name);
  const registration = await registerUser(ctx.sql, ctx.from, {
    code: parseReferralCode(ctx.match),
    points: settings.pointsPerReferral,
  });
  // The daily middleware ran before the user existed; a new user's first day starts here.
  if (!ctx.registered?.hadPointsToday) await grantDailyPoints(ctx.sql, ctx.from.id, settings.dailyPoints);
  if (registration.referrer) {
    const { id, balance } = registration.referrer;
    await enqueue(ctx.sql, referralNoticeJob, { referrerId: id, name, points: settings.pointsPerReferral, balance }, { dedupeKey: `referral_notice:${ctx.from.id}` });
  }
  const text = registration.created
    ? ctx.t('welcome', {
      name,
      daily: ctx.t('points', { count: settings.dailyPoints }),
      perReferral: ctx.t('points', { count: settings.pointsPerReferral }),
    })
    : ctx.t('welcome_back', { name });
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: mainMenu(ctx) });
});
