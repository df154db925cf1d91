import { Composer } from 'grammy';
import { commandDescription } from './botCommands.js';
import type { BotContext } from './botContext.js';

/** `/help` (and the menu's Help button): the commands, one line each, and how points work. */
export const helpFeature = new Composer<BotContext>();

const dm = helpFeature.chatType('private');

function helpText(ctx: BotContext): string {
  const { t, settings } = ctx;
  const commands = [...ctx.modules.flatMap((m) => m.commands ?? []), 'help' as const];
  const lines = commands.map((command) => `/${command} — ${t(commandDescription(command))}`);
  const footer = t('help_footer', {
    cost: t('points', { count: settings.goLiveCost }),
    minutes: t('minutes', { count: settings.goLiveMinutes }),
    daily: t('points', { count: settings.dailyPoints }),
    perReferral: t('points', { count: settings.pointsPerReferral }),
  });
  return [t('help_title'), '', ...lines, '', footer].join('\n');
}

dm.command('help', async (ctx) => {
  await ctx.reply(helpText(ctx), { parse_mode: 'HTML' });
});

dm.callbackQuery('menu:help', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ctx.reply(helpText(ctx), { parse_mode: 'HTML' });
});
