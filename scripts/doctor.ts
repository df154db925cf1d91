import { Api } from 'grammy';
import { createSql } from '../shared/db/createSql.js';
import { isLocalHost, resolveDatabaseTls } from '../shared/db/databaseTls.js';
import { allowedUpdates } from '../shared/bot/allowedUpdates.js';
import { allModules } from '../shared/modules/index.js';
import { type CheckResult, runChecks } from './doctor/runChecks.js';

// `npm run doctor`: checks an environment before and after a deploy, one line per check, each
// OK or what to do. Exits 1 when a check failed. Reads the same variables as the deployment:
// run it with them exported, or through `railway run npm run doctor`.
/* eslint-disable no-console -- a command-line tool's output is its interface */
const env = process.env;
const variables: CheckResult[] = [];
const need = (name: string, valid: (v: string) => boolean, what: string) => {
  const value = env[name];
  if (!value) variables.push({ status: 'fail', check: name, detail: `missing: ${what}` });
  else if (!valid(value)) variables.push({ status: 'fail', check: name, detail: `malformed: ${what}` });
  else return value;
  return undefined;
};
const isUrl = (v: string) => URL.canParse(v);
const databaseUrl = need('DATABASE_URL', (v) => isUrl(v) && /^postgres(ql)?:/.test(v), 'a postgres:// URL (Supabase: session pooler for the worker, transaction pooler on 6543 for Vercel)');
const token = need('TELEGRAM_BOT_TOKEN', (v) => /^\d+:[\w-]+$/.test(v), 'the token from @BotFather (<digits>:<secret>)');
need('TELEGRAM_WEBHOOK_SECRET', (v) => /^[A-Za-z0-9_-]{1,256}$/.test(v), '1-256 of A-Z a-z 0-9 _ -, the same on Vercel and in npm run webhook -- set');
const publicUrl = need('PUBLIC_URL', (v) => isUrl(v) && v.startsWith('https://'), "the deployment's https URL (the Vercel production domain)");
const caCert = env.DATABASE_CA_CERT || undefined;
if (caCert && !caCert.includes('-----BEGIN CERTIFICATE-----')) variables.push({ status: 'fail', check: 'DATABASE_CA_CERT', detail: 'malformed: a PEM certificate' });
if (variables.length === 0) variables.push({ status: 'ok', check: 'variables', detail: 'DATABASE_URL, TELEGRAM_BOT_TOKEN, TELEGRAM_WEBHOOK_SECRET, PUBLIC_URL present and well-formed' });

const tls = databaseUrl ? resolveDatabaseTls(databaseUrl, { caCert }) : undefined;
const sql = databaseUrl ? createSql(databaseUrl, { max: 1, prepare: false, applicationName: 'doctor', caCert, connectTimeout: 10 }) : undefined;
const api = token ? new Api(token, { apiRoot: env.TELEGRAM_API_ROOT || 'https://api.telegram.org', timeoutSeconds: 10 }) : undefined;
try {
  const results = [...variables, ...await runChecks({
    sql, tls, api,
    databaseIsLocal: databaseUrl ? isLocalHost(new URL(databaseUrl).hostname) : undefined,
    allowedUpdates: allowedUpdates(allModules),
    expectedWebhookUrl: publicUrl ? `${publicUrl.replace(/\/+$/, '')}/api/telegram` : undefined,
  })];
  const label = { ok: 'OK  ', warn: 'WARN', fail: 'FAIL' } as const;
  for (const r of results) console.log(`${label[r.status]} ${r.check}: ${r.detail}`);
  const failed = results.filter((r) => r.status === 'fail').length;
  console.log(failed ? `${failed} check(s) failed` : 'all checks passed');
  process.exitCode = failed ? 1 : 0;
} finally {
  await sql?.end({ timeout: 5 });
}
