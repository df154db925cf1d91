import { Composer, InlineKeyboard } from 'grammy';
import { awaitedInput } from '../../bot/awaitedInput.js';
import type { BotContext } from '../../bot/botContext.js';
import type { InputContext, InputHandler } from '../../bot/BotModule.js';
import { PostgresSessionStorage } from '../../bot/PostgresSessionStorage.js';
import { withinRateLimit } from '../../bot/rateLimit/withinRateLimit.js';
import { disconnectAccount, type ConnectedAccount, readAccounts, saveAccount, setDefaultAccount } from './instagramAccounts.js';
import { replyQuotaExceeded } from '../plans/quotaExceeded.js';
import { readUserPlan } from '../plans/readUserPlan.js';
import type { InstapostServices } from './InstapostServices.js';
import { lookUpPageToken } from './lookUpPageToken.js';
import { decryptSecret, encryptSecret } from './secretCipher.js';

/** The input kind of "send me the Page token". */
export const TOKEN_INPUT = 'instapost_page_token';
// Ten minutes to find the token in Meta's tools; the pending confirmation lives as long.
const TOKEN_TTL_MS = 10 * 60_000;
const PENDING_CONTEXT = 'sessions.instapost_connect';
const pendingKey = (userId: number) => `instapost_connect:${userId}`;

/** A looked-up account waiting for "Confirm": its token encrypted, like at rest. */
interface PendingConnect {
  account: ConnectedAccount;
  token: string;
}

type DmContext = BotContext & { from: NonNullable<BotContext['from']>; chat: NonNullable<BotContext['chat']> };

async function registered(ctx: DmContext): Promise<boolean> {
  const [row] = await ctx.sql`select 1 from users where id = ${ctx.from.id}`;
  if (!row) await ctx.reply(ctx.t('start_first'));
  return row !== undefined;
}

/** `/account`: the connected accounts with their buttons, or how to connect the first. */
async function showAccounts(ctx: DmContext) {
  if (!(await registered(ctx))) return;
  const accounts = await readAccounts(ctx.sql, ctx.from.id);
  const keyboard = new InlineKeyboard();
  const lines = [ctx.t('account_title'), ''];
  if (accounts.length === 0) lines.push(ctx.t('account_none'));
  for (const a of accounts) {
    const status = a.needs_reconnect ? ctx.t('account_needs_reconnect') : a.is_default ? ctx.t('account_default') : '';
    lines.push(ctx.t('account_line', { username: a.username, followers: a.followers_count ?? 0, status }));
    if (!a.is_default) keyboard.text(ctx.t('account_set_default', { username: a.username }), `ig:acc:default:${a.id}`);
    keyboard.text(ctx.t('account_disconnect', { username: a.username }), `ig:acc:disconnect:${a.id}`).row();
  }
  keyboard.text(ctx.t('account_connect'), 'ig:acc:connect');
  await ctx.reply(lines.join('\n'), { parse_mode: 'HTML', reply_markup: keyboard });
}

async function askForToken(ctx: DmContext) {
  if (!(await registered(ctx))) return;
  await awaitedInput.open(ctx.sql, ctx.chat.id, TOKEN_INPUT, { ttlMs: TOKEN_TTL_MS });
  await ctx.reply(ctx.t('account_token_guide'), { parse_mode: 'HTML', link_preview_options: { is_disabled: true } });
}

/** The account feature, with the services it calls. */
export function accountFeature(services: InstapostServices): Composer<BotContext> {
  const feature = new Composer<BotContext>();
  const dm = feature.chatType('private');

  dm.command('account', showAccounts);
  dm.callbackQuery('menu:account', async (ctx) => {
    await ctx.answerCallbackQuery();
    await showAccounts(ctx);
  });
  dm.callbackQuery('ig:acc:connect', async (ctx) => {
    await ctx.answerCallbackQuery();
    await askForToken(ctx);
  });

  dm.callbackQuery('ig:acc:confirm', async (ctx) => {
    await ctx.answerCallbackQuery();
    const storage = new PostgresSessionStorage<PendingConnect>(ctx.sql, { ttlMs: TOKEN_TTL_MS });
    const pending = await storage.read(pendingKey(ctx.from.id));
    // Pressed twice, or after it expired: the first press did the work, or there is nothing to do.
    if (!pending) return void (await ctx.reply(ctx.t('account_confirm_expired')));
    const token = decryptSecret(services.keyring, pending.token, PENDING_CONTEXT);
    const plan = await readUserPlan(ctx.sql, ctx.from.id);
    const saved = await saveAccount(ctx.sql, services.keyring, ctx.from.id, pending.account, token, { maxAccounts: plan.limits.instagramAccounts });
    await storage.delete(pendingKey(ctx.from.id));
    if (saved.status === 'limit') return void (await replyQuotaExceeded(ctx, { kind: 'accounts', plan, used: saved.count, limit: saved.max }));
    const key = saved.status === 'connected' ? 'account_connected' : 'account_reconnected';
    await ctx.reply(ctx.t(key, { username: pending.account.username }), { parse_mode: 'HTML' });
  });

  dm.callbackQuery('ig:acc:cancel', async (ctx) => {
    await ctx.answerCallbackQuery();
    await new PostgresSessionStorage(ctx.sql).delete(pendingKey(ctx.from.id));
    await ctx.reply(ctx.t('account_connect_cancelled'));
  });

  dm.callbackQuery(/^ig:acc:default:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const ok = await setDefaultAccount(ctx.sql, ctx.from.id, Number(ctx.match[1]));
    if (!ok) return void (await ctx.reply(ctx.t('account_gone')));
    await showAccounts(ctx);
  });

  dm.callbackQuery(/^ig:acc:disconnect:(\d+)$/, async (ctx) => {
    await ctx.answerCallbackQuery();
    const result = await disconnectAccount(ctx.sql, ctx.from.id, Number(ctx.match[1]));
    if (!result) return void (await ctx.reply(ctx.t('account_gone')));
    await ctx.reply(ctx.t('account_disconnected', { username: result.username, posts: result.cancelledPosts }), { parse_mode: 'HTML' });
  });

  return feature;
}

/** The token message: deleted from the chat at once, looked up, then confirmed by a button. */
export function accountInputs(services: InstapostServices): Record<string, InputHandler> {
  return {
    [TOKEN_INPUT]: async (ctx: InputContext, _data, next) => {
      const text = ctx.msg.text?.trim();
      if (text === undefined) return next();
      // First, whatever happens next: the token must not stay in the chat's history.
      try {
        await ctx.deleteMessage();
      } catch (err) {
        ctx.log.warn({ err: { name: (err as Error).name } }, 'could not delete the message holding a Page token');
      }
      // Each token tried costs Graph calls on the user's behalf: the seed's 5 an hour.
      if (!(await withinRateLimit(ctx, 'account_connect'))) return;
      if (!/^[A-Za-z0-9._|-]{20,}$/.test(text)) {
        await awaitedInput.open(ctx.sql, ctx.chat.id, TOKEN_INPUT, { ttlMs: TOKEN_TTL_MS });
        return void (await ctx.reply(ctx.t('account_token_malformed')));
      }
      const found = await lookUpPageToken(services.graph, text);
      if (found.status === 'unavailable') return void (await ctx.reply(ctx.t('account_graph_unavailable')));
      await awaitedInput.close(ctx.sql, ctx.chat.id, TOKEN_INPUT);
      if (found.status === 'rejected') return void (await ctx.reply(ctx.t('account_token_rejected'), { parse_mode: 'HTML' }));
      if (found.status === 'no-instagram') {
        return void (await ctx.reply(ctx.t('account_no_instagram', { page: found.pageName ?? '?' }), { parse_mode: 'HTML' }));
      }
      const pending: PendingConnect = { account: found.account, token: encryptSecret(services.keyring, text, PENDING_CONTEXT) };
      await new PostgresSessionStorage<PendingConnect>(ctx.sql, { ttlMs: TOKEN_TTL_MS }).write(pendingKey(ctx.from.id), pending);
      const keyboard = new InlineKeyboard().text(ctx.t('account_confirm'), 'ig:acc:confirm').text(ctx.t('cancel'), 'ig:acc:cancel');
      await ctx.reply(ctx.t('account_found', { username: found.account.username, followers: found.account.followersCount ?? 0 }),
        { parse_mode: 'HTML', reply_markup: keyboard });
    },
  };
}
