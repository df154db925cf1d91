import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler, SettingsRow } from '../../bot/BotModule.js';
import { showScreen } from '../../bot/showScreen.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { SETTINGS_DATA } from '../settings/settingsData.js';
import { parseHashtags, readAutoHashtags, saveAutoHashtags } from './autoHashtags.js';
import { CAPTION_LIMITS, checkCaption } from './checkCaption.js';

/** The input kind of the auto hashtags typed. */
export const HASHTAGS_INPUT = 'instapost_settings_hashtags';
const TTL_MS = 10 * 60_000;

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** /settings' auto hashtags row. */
export const hashtagsRow: SettingsRow = {
  inputs: [HASHTAGS_INPUT],
  async render(ctx) {
    const tags = await readAutoHashtags(ctx.sql, ctx.from.id);
    return {
      line: tags.length ? ctx.t('settings_tags_line', { tags: tags.join(' ') }) : ctx.t('settings_tags_line_none'),
      button: { label: ctx.t('settings_tags_button'), data: 'ig:set:tags' },
    };
  },
};

function screen(ctx: DmContext, tags: readonly string[]) {
  const keyboard = new InlineKeyboard();
  if (tags.length) keyboard.text(ctx.t('settings_tags_remove'), 'ig:set:tags:clear').row();
  keyboard.text(ctx.t('settings_back'), SETTINGS_DATA);
  const current = tags.length ? tags.join(' ') : ctx.t('settings_tags_none');
  return { text: ctx.t('settings_tags_screen', { tags: current, max: CAPTION_LIMITS.hashtags }), keyboard };
}

/** The auto hashtags screen: send them (replacing the old), or Remove. */
export const hashtagSettingsFeature = new Composer<BotContext>();
const dm = hashtagSettingsFeature.chatType('private');

dm.callbackQuery('ig:set:tags', async (ctx) => {
  await ctx.answerCallbackQuery();
  await awaitedInput.open(ctx.sql, ctx.chat.id, HASHTAGS_INPUT, { ttlMs: TTL_MS });
  const { text, keyboard } = screen(ctx, await readAutoHashtags(ctx.sql, ctx.from.id));
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery('ig:set:tags:clear', async (ctx) => {
  if (!(await saveAutoHashtags(ctx.sql, ctx.from.id, []))) {
    await ctx.answerCallbackQuery();
    return void (await ctx.reply(ctx.t('start_first')));
  }
  await awaitedInput.close(ctx.sql, ctx.chat.id, HASHTAGS_INPUT);
  await ctx.answerCallbackQuery({ text: htmlToText(ctx.t('settings_saved')) });
  const { text, keyboard } = screen(ctx, []);
  await showScreen(ctx, text, keyboard);
});

export const hashtagInputs: Record<string, InputHandler> = {
  [HASHTAGS_INPUT]: async (ctx, _data, next) => {
    const text = ctx.msg.text?.trim();
    if (text === undefined) return next();
    const parsed = parseHashtags(text);
    const retry = async (message: string) => {
      await awaitedInput.open(ctx.sql, ctx.chat.id, HASHTAGS_INPUT, { ttlMs: TTL_MS });
      await ctx.reply(message, { parse_mode: 'HTML' });
    };
    if ('invalid' in parsed) return retry(ctx.t('settings_tags_invalid', { word: parsed.invalid }));
    if ('tooMany' in parsed) return retry(ctx.t('post_caption_hashtags', { actual: parsed.tooMany, limit: CAPTION_LIMITS.hashtags }));
    const long = checkCaption(parsed.tags.join(' ')).find((p) => p.rule === 'length');
    if (long) return retry(ctx.t('post_caption_length', { actual: long.actual, limit: long.limit }));
    await awaitedInput.close(ctx.sql, ctx.chat.id, HASHTAGS_INPUT);
    if (!(await saveAutoHashtags(ctx.sql, ctx.from.id, parsed.tags))) return void (await ctx.reply(ctx.t('start_first')));
    await ctx.reply(parsed.tags.length ? ctx.t('settings_tags_saved', { tags: parsed.tags.join(' ') }) : ctx.t('settings_tags_removed'), {
      parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('settings_back'), SETTINGS_DATA),
    });
  },
};
