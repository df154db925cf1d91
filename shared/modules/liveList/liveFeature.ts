import { Composer, GrammyError, InlineKeyboard } from 'grammy';
import { readLivePage } from './readLivePage.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * `/live` (and the menu's button): who is live now, newest first, a page at a time. Previous
 * and Next edit the same message. A button from an old message still works: its page is
 * read afresh (moved back to the last page if the list shrank), so it shows what is live now.
 */
export const liveFeature = new Composer<BotContext>();

const dm = liveFeature.chatType('private');

async function render(ctx: BotContext, page: number) {
  const { t } = ctx;
  const live = await readLivePage(ctx.sql, page, ctx.settings.livePageSize);
  if (live.total === 0) return { text: t('live_empty'), keyboard: undefined };
  const first = live.page * ctx.settings.livePageSize;
  const lines = [t('live_title', { people: t('people', { count: live.total }) }), ''];
  live.entries.forEach((entry, i) => lines.push(t('live_entry', {
    n: first + i + 1,
    url: `https://www.instagram.com/${entry.username}/`,
    username: entry.username,
    left: t('minutes_left', { count: entry.minutesLeft }),
  })));
  let keyboard: InlineKeyboard | undefined;
  if (live.pages > 1) {
    lines.push('', t('live_page', { page: live.page + 1, pages: live.pages }));
    keyboard = new InlineKeyboard();
    if (live.page > 0) keyboard.text(t('live_prev'), `live:${live.page - 1}`);
    if (live.page < live.pages - 1) keyboard.text(t('live_next'), `live:${live.page + 1}`);
  }
  return { text: lines.join('\n'), keyboard };
}

async function showLive(ctx: BotContext) {
  const { text, keyboard } = await render(ctx, 0);
  await ctx.reply(text, { parse_mode: 'HTML', reply_markup: keyboard, link_preview_options: { is_disabled: true } });
}

dm.command('live', showLive);

dm.callbackQuery('menu:live', async (ctx) => {
  await ctx.answerCallbackQuery();
  await showLive(ctx);
});

dm.callbackQuery(/^live:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const { text, keyboard } = await render(ctx, Number(ctx.match[1]));
  try {
    await ctx.editMessageText(text, { parse_mode: 'HTML', reply_markup: keyboard, link_preview_options: { is_disabled: true } });
  } catch (err) {
    // Pressing a button whose page looks the same as what is shown: Telegram refuses the edit.
    if (err instanceof GrammyError && err.description.includes('message is not modified')) return;
    throw err;
  }
});
