import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler, SettingsRow } from '../../bot/BotModule.js';
import { showScreen } from '../../bot/showScreen.js';
import { htmlToText } from '../../i18n/htmlToText.js';
import { formatLimit, replyQuotaExceeded } from '../plans/quotaExceeded.js';
import { withinLimit } from '../plans/plans.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import { SETTINGS_DATA } from '../settings/settingsData.js';
import { addTemplate, countTemplates, deleteTemplate, readTemplate, readTemplates, TEMPLATE_NAME_MAX } from './captionTemplates.js';
import { checkCaption } from './checkCaption.js';

/** The input kind of a new template: its name, then its text (`data.name` once the name is known). */
export const TEMPLATE_INPUT = 'instapost_settings_template';
const TTL_MS = 10 * 60_000;

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

const excerpt = (text: string, max = 50) => ([...text].length > max ? `${[...text].slice(0, max).join('')}…` : text);

/** /settings' templates row: how many of the plan's number. */
export const templatesRow: SettingsRow = {
  inputs: [TEMPLATE_INPUT],
  async render(ctx) {
    const [count, plan] = [await countTemplates(ctx.sql, ctx.from.id), await readUserPlan(ctx.sql, ctx.from.id)];
    return {
      line: ctx.t('settings_tpl_line', { count, limit: formatLimit(ctx.t, plan.limits.captionTemplates) }),
      button: { label: ctx.t('settings_tpl_button'), data: 'ig:set:tpl' },
    };
  },
};

/** The list: each template with a delete button, and Add. */
async function listScreen(ctx: DmContext) {
  const templates = await readTemplates(ctx.sql, ctx.from.id);
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const lines = [ctx.t('settings_tpl_title', { count: templates.length, limit: formatLimit(ctx.t, plan.limits.captionTemplates) }), ''];
  if (templates.length === 0) lines.push(ctx.t('settings_tpl_none'));
  const keyboard = new InlineKeyboard();
  for (const tpl of templates) {
    lines.push(ctx.t('settings_tpl_item', { name: tpl.name, body: excerpt(tpl.body) }));
    keyboard.text(ctx.t('settings_tpl_delete', { name: excerpt(tpl.name, 24) }), `ig:set:tpl:del:${tpl.id}`).row();
  }
  keyboard.text(ctx.t('settings_tpl_add'), 'ig:set:tpl:add').row().text(ctx.t('settings_back'), SETTINGS_DATA);
  return { text: lines.join('\n'), keyboard };
}

/** Refuses a new template when the plan's number is reached, with the plans' quota message; true when one more fits. */
async function roomForOneMore(ctx: DmContext): Promise<boolean> {
  const plan = await readUserPlan(ctx.sql, ctx.from.id);
  const count = await countTemplates(ctx.sql, ctx.from.id);
  if (withinLimit(plan.limits.captionTemplates, count)) return true;
  await replyQuotaExceeded(ctx, { kind: 'templates', plan, used: count, limit: plan.limits.captionTemplates });
  return false;
}

/** The templates screens: the list, Add (name, then text, as answers), Delete (asked first). */
export const templateSettingsFeature = new Composer<BotContext>();
const dm = templateSettingsFeature.chatType('private');

dm.callbackQuery('ig:set:tpl', async (ctx) => {
  await ctx.answerCallbackQuery();
  const { text, keyboard } = await listScreen(ctx);
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery('ig:set:tpl:add', async (ctx) => {
  await ctx.answerCallbackQuery();
  if (!(await roomForOneMore(ctx))) return;
  await awaitedInput.open(ctx.sql, ctx.chat.id, TEMPLATE_INPUT, { data: {}, ttlMs: TTL_MS });
  await ctx.reply(ctx.t('settings_tpl_ask_name', { max: TEMPLATE_NAME_MAX }), {
    parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('cancel'), 'ig:set:tpl:cancel'),
  });
});

dm.callbackQuery('ig:set:tpl:cancel', async (ctx) => {
  await ctx.answerCallbackQuery();
  await awaitedInput.close(ctx.sql, ctx.chat.id, TEMPLATE_INPUT);
  const { text, keyboard } = await listScreen(ctx);
  await showScreen(ctx, text, keyboard);
});

dm.callbackQuery(/^ig:set:tpl:del:(\d+)$/, async (ctx) => {
  await ctx.answerCallbackQuery();
  const tpl = await readTemplate(ctx.sql, ctx.from.id, Number(ctx.match[1]));
  if (!tpl) {
    const { text, keyboard } = await listScreen(ctx);
    return void (await showScreen(ctx, text, keyboard));
  }
  await showScreen(ctx, ctx.t('settings_tpl_confirm_delete', { name: tpl.name, body: excerpt(tpl.body, 200) }), new InlineKeyboard()
    .text(ctx.t('settings_tpl_confirm_delete_button'), `ig:set:tpl:rm:${tpl.id}`).text(ctx.t('cancel'), 'ig:set:tpl'));
});

dm.callbackQuery(/^ig:set:tpl:rm:(\d+)$/, async (ctx) => {
  // Pressed twice (or redelivered): the first press deleted it, the second shows the list.
  const name = await deleteTemplate(ctx.sql, ctx.from.id, Number(ctx.match[1]));
  await ctx.answerCallbackQuery(name === undefined ? undefined : { text: htmlToText(ctx.t('settings_tpl_deleted', { name })) });
  const { text, keyboard } = await listScreen(ctx);
  await showScreen(ctx, text, keyboard);
});

export const templateInputs: Record<string, InputHandler> = {
  [TEMPLATE_INPUT]: async (ctx, data, next) => {
    const text = ctx.msg.text?.trim();
    if (text === undefined) return next();
    const { name } = (data ?? {}) as { name?: string };
    const ask = (kind: { name?: string }) => awaitedInput.open(ctx.sql, ctx.chat.id, TEMPLATE_INPUT, { data: kind, ttlMs: TTL_MS });
    if (name === undefined) {
      if ([...text].length > TEMPLATE_NAME_MAX || text.includes('\n')) {
        await ask({});
        return void (await ctx.reply(ctx.t('settings_tpl_name_invalid', { max: TEMPLATE_NAME_MAX }), { parse_mode: 'HTML' }));
      }
      if ((await readTemplates(ctx.sql, ctx.from.id)).some((t) => t.name === text)) {
        await ask({});
        return void (await ctx.reply(ctx.t('settings_tpl_name_taken', { name: text }), { parse_mode: 'HTML' }));
      }
      await ask({ name: text });
      return void (await ctx.reply(ctx.t('settings_tpl_ask_body', { name: text }), {
        parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('cancel'), 'ig:set:tpl:cancel'),
      }));
    }
    // A template is a caption: held to Instagram's caption rules now, not when a post uses it.
    const problem = checkCaption(text)[0];
    if (problem) {
      await ask({ name });
      return void (await ctx.reply(ctx.t(`post_caption_${problem.rule}`, { limit: problem.limit, actual: problem.actual })));
    }
    const plan = await readUserPlan(ctx.sql, ctx.from.id);
    const saved = await addTemplate(ctx.sql, ctx.from.id, { name, body: text }, plan.limits.captionTemplates);
    await awaitedInput.close(ctx.sql, ctx.chat.id, TEMPLATE_INPUT);
    if (saved.status === 'limit') return void (await replyQuotaExceeded(ctx, { kind: 'templates', plan, used: saved.count, limit: plan.limits.captionTemplates }));
    if (saved.status === 'exists') return void (await ctx.reply(ctx.t('settings_tpl_name_taken', { name }), { parse_mode: 'HTML' }));
    await ctx.reply(ctx.t('settings_tpl_saved', { name }), {
      parse_mode: 'HTML', reply_markup: new InlineKeyboard().text(ctx.t('settings_tpl_button'), 'ig:set:tpl'),
    });
  },
};
