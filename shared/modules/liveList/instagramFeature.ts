import { Composer } from 'grammy';
import { instagramPrompt } from './instagramPrompt.js';
import { parseInstagramUsername } from './parseInstagramUsername.js';
import { readInstagramUsername } from './readInstagramUsername.js';
import { saveInstagramUsername } from './saveInstagramUsername.js';
import type { BotContext } from '../../bot/botContext.js';

/**
 * Setting the Instagram username that /golive puts on the live list: `/instagram natgeo` at
 * once, or `/instagram` (or the menu's button) and then the name as the next message.
 */
export const instagramFeature = new Composer<BotContext>();

const dm = instagramFeature.chatType('private');

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

async function ask(ctx: DmContext) {
  const current = await readInstagramUsername(ctx.sql, ctx.from.id);
  if (current === undefined) return void (await ctx.reply(ctx.t('start_first')));
  await instagramPrompt.open(ctx.sql, ctx.chat.id);
  await ctx.reply(current ? ctx.t('instagram_ask_current', { username: current }) : ctx.t('instagram_ask'), { parse_mode: 'HTML' });
}

/** Validates and saves; an invalid name keeps the prompt open for another try. */
async function save(ctx: DmContext, input: string) {
  const username = parseInstagramUsername(input);
  if (!username) {
    await instagramPrompt.open(ctx.sql, ctx.chat.id);
    return void (await ctx.reply(ctx.t('instagram_invalid'), { parse_mode: 'HTML' }));
  }
  if (!(await saveInstagramUsername(ctx.sql, ctx.from.id, username))) return void (await ctx.reply(ctx.t('start_first')));
  await instagramPrompt.close(ctx.sql, ctx.chat.id);
  await ctx.reply(ctx.t('instagram_saved', { username }), { parse_mode: 'HTML' });
}

dm.command('instagram', async (ctx) => {
  if (ctx.match.trim()) await save(ctx, ctx.match);
  else await ask(ctx);
});

dm.callbackQuery('menu:instagram', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ask(ctx);
});

// The answer to the prompt. Commands are not answers: they went to their own features, and
// an unknown one falls through to the fallback's hint.
dm.on('message:text', async (ctx, next) => {
  if (ctx.msg.text.startsWith('/') || !(await instagramPrompt.isOpen(ctx.sql, ctx.chat.id))) return next();
  await save(ctx, ctx.msg.text);
});
