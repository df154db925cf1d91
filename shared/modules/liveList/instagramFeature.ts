import { Composer } from 'grammy';
import { parseInstagramUsername } from './parseInstagramUsername.js';
import { readInstagramUsername } from './readInstagramUsername.js';
import { saveInstagramUsername } from './saveInstagramUsername.js';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler } from '../../bot/BotModule.js';

/**
 * Setting the Instagram username that /golive puts on the live list: `/instagram natgeo` at
 * once, or `/instagram` (or the menu's button) and then the name as the next message.
 */
export const instagramFeature = new Composer<BotContext>();

const dm = instagramFeature.chatType('private');

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** The input kind of the username prompt. */
const INPUT = 'instagram_username';
// Ten minutes: long enough to look the name up in the Instagram app, short enough that a
// word typed tomorrow is not taken as a username.
const PROMPT_TTL_MS = 10 * 60_000;
const openPrompt = (ctx: DmContext) => awaitedInput.open(ctx.sql, ctx.chat.id, INPUT, { ttlMs: PROMPT_TTL_MS });

async function ask(ctx: DmContext) {
  const current = await readInstagramUsername(ctx.sql, ctx.from.id);
  if (current === undefined) return void (await ctx.reply(ctx.t('start_first')));
  await openPrompt(ctx);
  await ctx.reply(current ? ctx.t('instagram_ask_current', { username: current }) : ctx.t('instagram_ask'), { parse_mode: 'HTML' });
}

/** Validates and saves; an invalid name keeps the prompt open for another try. */
async function save(ctx: DmContext, input: string) {
  const username = parseInstagramUsername(input);
  if (!username) {
    await openPrompt(ctx);
    return void (await ctx.reply(ctx.t('instagram_invalid'), { parse_mode: 'HTML' }));
  }
  if (!(await saveInstagramUsername(ctx.sql, ctx.from.id, username))) return void (await ctx.reply(ctx.t('start_first')));
  await awaitedInput.close(ctx.sql, ctx.chat.id, INPUT);
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

/** The answer to the prompt: plain text; anything else is not an answer. */
export const instagramInputs: Record<string, InputHandler> = {
  [INPUT]: async (ctx, _data, next) => {
    if (ctx.msg.text === undefined) return next();
    await save(ctx, ctx.msg.text);
  },
};
