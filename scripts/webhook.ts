import { Api, GrammyError } from 'grammy';
import * as z from 'zod';
import { ConfigError, parseEnv } from '../shared/config/parseEnv.js';
import { allowedUpdates } from '../shared/bot/allowedUpdates.js';
import { allModules } from '../shared/modules/index.js';
import { describeWebhookInfo } from '../shared/telegram/describeWebhookInfo.js';

// `npm run webhook -- set [--drop-pending-updates] | info | delete [--drop-pending-updates]`:
// registers the deployment with Telegram. Run by the operator after a deploy that changes the
// URL, the secret or the update types, never by the code on start-up: Telegram answers a second
// setWebhook within a second with 429, which a cold start or a second replica would hit.
/* eslint-disable no-console -- a command-line tool's output is its interface */

/** Telegram accepts webhooks on these ports only. */
const WEBHOOK_PORTS = new Set(['', '443', '80', '88', '8443']);

const Env = z.object({
  TELEGRAM_BOT_TOKEN: z.string({ error: 'TELEGRAM_BOT_TOKEN is required (from @BotFather)' }).regex(/^\d+:[\w-]+$/, 'TELEGRAM_BOT_TOKEN does not look like a bot token'),
  TELEGRAM_API_ROOT: z.url().default('https://api.telegram.org'),
  PUBLIC_URL: z.url('PUBLIC_URL must be the deployment\'s https URL').optional(),
  TELEGRAM_WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'TELEGRAM_WEBHOOK_SECRET: 1-256 of A-Z a-z 0-9 _ -').optional(),
  WEBHOOK_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(100, 'WEBHOOK_MAX_CONNECTIONS: Telegram allows 1-100').default(40),
});

/** The update types the bot's modules handle: Telegram sends nothing else. */
const updateTypes = allowedUpdates(allModules);

const [command, ...flags] = process.argv.slice(2);
const drop = flags.includes('--drop-pending-updates');
const unknown = flags.filter((f) => f !== '--drop-pending-updates');
if (!['set', 'info', 'delete'].includes(command ?? '') || unknown.length || (command === 'info' && drop)) {
  console.error('usage: npm run webhook -- set [--drop-pending-updates] | info | delete [--drop-pending-updates]');
  process.exit(2);
}

let env: z.infer<typeof Env>;
try {
  env = parseEnv(Env, process.env);
  if (command === 'set') {
    const issues: string[] = [];
    if (!env.PUBLIC_URL) issues.push('PUBLIC_URL: required: the deployment\'s https URL (the Vercel production domain)');
    else {
      const u = new URL(env.PUBLIC_URL);
      if (u.protocol !== 'https:') issues.push('PUBLIC_URL: Telegram sends webhooks to https URLs only');
      if (!WEBHOOK_PORTS.has(u.port)) issues.push(`PUBLIC_URL: Telegram sends webhooks to ports 443, 80, 88 or 8443 only, not ${u.port}`);
    }
    if (!env.TELEGRAM_WEBHOOK_SECRET) issues.push('TELEGRAM_WEBHOOK_SECRET: required: the same value the Vercel function has');
    if (issues.length) throw new ConfigError(issues);
  }
} catch (err) {
  if (!(err instanceof ConfigError)) throw err;
  console.error(err.message);
  process.exit(1);
}

const api = new Api(env.TELEGRAM_BOT_TOKEN, { apiRoot: env.TELEGRAM_API_ROOT, timeoutSeconds: 15 });

/** One retry after Telegram's retry_after: a 429 here means setWebhook ran less than a second ago. */
async function withFloodWait<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const retryAfter = err instanceof GrammyError && err.error_code === 429 ? err.parameters.retry_after : undefined;
    if (retryAfter === undefined || retryAfter > 60) throw err;
    console.log(`Telegram asks to wait ${retryAfter} s (the webhook was changed less than a second ago); retrying once.`);
    await new Promise((r) => setTimeout(r, retryAfter * 1000));
    return call();
  }
}

try {
  if (command === 'set') {
    const url = `${env.PUBLIC_URL!.replace(/\/+$/, '')}/api/telegram`;
    await withFloodWait(() => api.setWebhook(url, {
      secret_token: env.TELEGRAM_WEBHOOK_SECRET!,
      // Telegram sends chat_member (and keeps sending what was last asked for) only when listed.
      allowed_updates: updateTypes,
      max_connections: env.WEBHOOK_MAX_CONNECTIONS,
      ...(drop ? { drop_pending_updates: true } : {}),
    }));
    console.log(`Webhook set: ${url}`);
    console.log(`Updates: ${updateTypes.join(', ')}; at most ${env.WEBHOOK_MAX_CONNECTIONS} connections at once${drop ? '; pending updates dropped' : '; pending updates kept'}.`);
  } else if (command === 'delete') {
    await withFloodWait(() => api.deleteWebhook(drop ? { drop_pending_updates: true } : {}));
    console.log(`Webhook deleted${drop ? ' and pending updates dropped' : ''}: Telegram now holds updates for getUpdates (npm start polls them).`);
  } else {
    for (const line of describeWebhookInfo(await api.getWebhookInfo())) console.log(line);
  }
} catch (err) {
  if (err instanceof GrammyError) console.error(`Telegram refused ${err.method}: ${err.error_code} ${err.description}`);
  else console.error(`Could not reach Telegram: ${(err as Error).message}`);
  process.exitCode = 1;
}
