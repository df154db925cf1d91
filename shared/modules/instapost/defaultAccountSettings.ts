import { Composer, InlineKeyboard } from 'grammy';
import type { BotContext } from '../../bot/botContext.js';
import type { SettingsRow } from '../../bot/BotModule.js';
import { showScreen } from '../../bot/showScreen.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { SETTINGS_DATA } from '../settings/settingsData.js';
import { type InstagramAccountRow, readAccounts, setDefaultAccount } from './instagramAccounts.js';

/** /settings' default account row, for users with several accounts (with one there is nothing to choose). */
export const defaultAccountRow: SettingsRow = {
  async render(ctx) {
    const accounts = await readAccounts(ctx.sql, ctx.from.id);
    if (accounts.length < 2) return undefined;
    const chosen = accounts.find((a) => a.is_default) ?? accounts[0]!;
    return { line: ctx.t('settings_account_line', { username: chosen.username }), button: { label: ctx.t('settings_account_button'), data: 'ig:set:acc' } };
  },
};

function screen(ctx: BotContext, accounts: readonly InstagramAccountRow[]) {
  const keyboard = new InlineKeyboard();
  for (const a of accounts) keyboard.text(a.is_default ? `✅ @${a.username}` : `@${a.username}`, `ig:set:acc:${a.id}`).row();
  keyboard.text(ctx.t('settings_back'), SETTINGS_DATA);
  return { text: ctx.t('settings_account_screen'), keyboard };
}

/** The default account screen: new posts go to the account chosen here (as /account's "Make default"). */
export const defaultAccountSettingsFeature = new Composer<BotContext>();
const dm = defaultAccountSettingsFeature.chatType('private');

dm.callbackQuery('ig:set:acc', async (ctx) => {
  await ctx.answerCallbackQuery();
  const { text, keyboard } = screen(ctx, await readAccounts(ctx.sql, ctx.from.id));
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery(/^ig:set:acc:(\d+)$/, async (ctx) => {
  if (!(await setDefaultAccount(ctx.sql, ctx.from.id, Number(ctx.match[1])))) {
    await ctx.answerCallbackQuery();
    return void (await ctx.reply(ctx.t('account_gone')));
  }
  await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('settings_saved')) });
  const { text, keyboard } = screen(ctx, await readAccounts(ctx.sql, ctx.from.id));
  await showScreen(ctx, text, keyboard);
});
