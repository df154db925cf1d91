import { Composer } from 'grammy';
import { mainMenu } from '../../bot/mainMenu.js';
import { createTranslator } from '../../i18n/createTranslator.js';
import { pickLocale } from '../../i18n/pickLocale.js';
import { grantDailyPoints } from '../points/grantDailyPoints.js';
import { parseReferralCode } from './parseReferralCode.js';
import { registerUser, type CreditedReferrer } from './registerUser.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * `/start` in a private chat: registers the user (crediting whoever invited them, when they
 * came through an invite link) or refreshes a returning one, and shows the main menu.
 */
export const startFeature = new Composer<BotContext>();

startFeature.chatType('private').command('start', async (ctx) => {
  const { settings } = ctx;
  const registration = await registerUser(ctx.sql, ctx.from, {
    code: parseReferralCode(ctx.match),
    points: settings.pointsPerReferral,
  });
  // The daily middleware ran before the user existed; a new user's first day starts here.
  await grantDailyPoints(ctx.sql, ctx.from.id, settings.dailyPoints);
  if (registration.referrer) await tellReferrer(ctx, registration.referrer);
  const text = registration.created
    ? ctx.t('welcome', {
      name: ctx.from.first_name,
      daily: ctx.t('points', { count: settings.dailyPoints }),
      perReferral: ctx.t('points', { count: settings.pointsPerReferral }),
    })
    : ctx.t('welcome_back', { name: ctx.from.first_name });
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: mainMenu(ctx) });
});

/**
 * Tells the referrer, in their language, that someone joined. Best effort: the credit is
 * committed, and a referrer who blocked the bot must not fail the new user's /start.
 */
async function tellReferrer(ctx: BotContext & { from: NonNullable<BotContext['from']> }, referrer: CreditedReferrer) {
  const t = createTranslator(pickLocale(referrer.locale, referrer.languageCode ?? undefined));
  const text = t('referral_credited', {
    name: ctx.from.first_name,
    points: t('points', { count: ctx.settings.pointsPerReferral }),
    balance: t('points', { count: referrer.balance }),
  });
  try {
    await ctx.api.sendMessage(referrer.id, text, { parse_mode: 'HTML' });
  } catch (err) {
    ctx.log.warn({ err, referrer_id: referrer.id }, 'could not tell the referrer about their credit');
  }
}
