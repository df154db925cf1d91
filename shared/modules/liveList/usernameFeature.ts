import { Composer } from 'grammy';
import { parseLiveUsername } from './parseLiveUsername.js';
import { readLiveUsername } from './readLiveUsername.js';
import { saveLiveUsername } from './saveLiveUsername.js';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputHandler } from '../../bot/BotModule.js';

/**
 * Setting the Instagram username that /golive puts on the live list: `/username natgeo` at
 * once, or `/username` (or the menu's button) and then the name as the next message.
 */
export const usernameFeature = new Composer<BotContext>();

const dm = usernameFeature.chatType('private');

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

/** The input kind of the username prompt. */
const INPUT = 'live_username';
// Ten minutes: long enough to look the name up in the Instagram app, short enough that a
// word typed tomorrow is not taken as a username.
const PROMPT_TTL_MS = 10 * 60_000;
const openPrompt = (ctx: DmContext) => awaitedInput.open(ctx.sql, ctx.chat.id, INPUT, { ttlMs: PROMPT_TTL_MS });

async function ask(ctx: DmContext) {
  const current = await readLiveUsername(ctx.sql, ctx.from.id);
  if (current === undefined) return void (await ctx.reply(ctx.t('start_first')));
  await openPrompt(ctx);
  await ctx.reply(current ? ctx.t('username_ask_current', { username: current }) : ctx.t('username_ask'), { parse_mode: 'HTML' });
}

/** Validates and saves; an invalid name keeps the prompt open for another try. */
async function save(ctx: DmContext, input: string) {
  const username = parseLiveUsername(input);
  if (!username) {
    await openPrompt(ctx);
    return void (await ctx.reply(ctx.t('username_invalid'), { parse_mode: 'HTML' }));
  }
  if (!(await saveLiveUsername(ctx.sql, ctx.from.id, username))) return void (await ctx.reply(ctx.t('start_first')));
  await awaitedInput.close(ctx.sql, ctx.chat.id, INPUT);
  await ctx.reply(ctx.t('username_saved', { username }), { parse_mode: 'HTML' });
}

dm.command('username', async (ctx) => {
  if (ctx.match.trim()) await save(ctx, ctx.match);
  else await ask(ctx);
});

dm.callbackQuery('menu:username', async (ctx) => {
  await ctx.answerCallbackQuery();
  await ask(ctx);
});

/** The answer to the prompt: plain text; anything else is not an answer. */
export const usernameInputs: Record<string, InputHandler> = {
  [INPUT]: async (ctx, _data, next) => {
    if (ctx.msg.text === undefined) return next();
    await save(ctx, ctx.msg.text);
  },
};
