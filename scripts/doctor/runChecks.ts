import { type Api, GrammyError } from 'grammy';
import type { Sql } from '../../shared/db/createSql.js';
import type { DatabaseTls } from '../../shared/db/databaseTls.js';
import { listMigrations } from '../../shared/db/migrate.js';
import { queueStats } from '../../shared/queue/queueStats.js';

/** One line of the doctor's report: OK, or what is wrong and what to do. */
export interface CheckResult {
  status: 'ok' | 'warn' | 'fail';
  check: string;
  detail: string;
}

/** What {@link runChecks} looks at; each part is optional so that a missing variable is one failed line, not a crash. */
export interface DoctorDeps {
  sql?: Sql;
  tls?: DatabaseTls;
  /** The database is on this machine (loopback), where plain text is fine. */
  databaseIsLocal?: boolean;
  api?: Api;
  /** `PUBLIC_URL/api/telegram`, where the webhook should point. */
  expectedWebhookUrl?: string;
  /** The update types the webhook should ask for: those the bot's modules handle. */
  allowedUpdates: readonly string[];
  now?: Date;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Checks a deployment from the outside, as an operator would before and after a deploy: the
 * database (reachable, over TLS, migrations current, queue depth, failed jobs) and Telegram
 * (token valid, webhook at the expected URL with the expected updates, pending updates, last
 * delivery error). Every check runs even when an earlier one failed.
 */
export async function runChecks(deps: DoctorDeps): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  const add = (status: CheckResult['status'], check: string, detail: string) => results.push({ status, check, detail });
  const now = deps.now ?? new Date();

  if (deps.sql) {
    let reachable = false;
    try {
      const [row] = await deps.sql<{ ssl: boolean | null; version: string }[]>`
        select (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl, current_setting('server_version') as version`;
      reachable = true;
      const mode = deps.tls?.mode ?? 'plain';
      if (mode === 'plain') {
        add(deps.databaseIsLocal ? 'ok' : 'warn', 'database', `reachable (PostgreSQL ${row?.version}) in plain text${deps.databaseIsLocal ? ' (loopback)' : ': the URL says sslmode=disable; only for a private network you trust'}`);
      } else if (row?.ssl === false) {
        add('fail', 'database', 'reachable, but the server says this connection is not encrypted');
      } else {
        add(mode === 'verified' ? 'ok' : 'warn', 'database', `reachable over TLS (PostgreSQL ${row?.version}), ${mode === 'verified' ? 'certificate verified' : 'certificate NOT verified: set DATABASE_CA_CERT to the provider\'s CA (Supabase: Database → SSL Configuration)'}`);
      }
    } catch (err) {
      add('fail', 'database', `not reachable: ${message(err)}. Check DATABASE_URL (Supabase: the session pooler URL for the worker and migrations)`);
    }
    if (reachable) {
      try {
        const local = (await listMigrations()).map((m) => m.version);
        const rows = await deps.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations`.catch(() => []);
        const applied = new Set(rows.map((r) => r.version));
        const pending = local.filter((v) => !applied.has(v));
        const unknown = [...applied].filter((v) => !local.includes(v));
        if (pending.length) add('fail', 'migrations', `${pending.length} pending (${pending.join(', ')}): run npm run migrate (or supabase db push)`);
        else if (unknown.length) add('warn', 'migrations', `the database has migrations this checkout does not (${unknown.join(', ')}): is this checkout older than the deployment?`);
        else add('ok', 'migrations', `all ${local.length} applied`);
      } catch (err) {
        add('fail', 'migrations', `could not compare: ${message(err)}`);
      }
      try {
        const q = await queueStats(deps.sql);
        add(q.lagSeconds > 60 ? 'warn' : 'ok', 'queue', `${q.ready} ready, ${q.running} running, oldest ready job waited ${Math.round(q.lagSeconds)} s${q.lagSeconds > 60 ? ': are the workers running? (railway logs)' : ''}`);
        add(q.failed > 0 ? 'warn' : 'ok', 'failed jobs', q.failed > 0 ? `${q.failed}: see npm run jobs -- failed, then npm run jobs -- replay <id>` : 'none');
      } catch (err) {
        add('fail', 'queue', `could not read the jobs table: ${message(err)}`);
      }
    }
  }

  if (deps.api) {
    try {
      const me = await deps.api.getMe();
      add('ok', 'bot token', `valid: @${me.username}`);
    } catch (err) {
      const rejected = err instanceof GrammyError && (err.error_code === 401 || err.error_code === 404);
      add('fail', 'bot token', rejected ? 'rejected by Telegram: set TELEGRAM_BOT_TOKEN to the token @BotFather shows' : `Telegram not reachable: ${message(err)}`);
    }
    try {
      const info = await deps.api.getWebhookInfo();
      if (!info.url) add('fail', 'webhook', 'none is set: run npm run webhook -- set');
      else if (deps.expectedWebhookUrl && info.url !== deps.expectedWebhookUrl) add('fail', 'webhook', `set to ${info.url}, expected ${deps.expectedWebhookUrl}: run npm run webhook -- set`);
      else add('ok', 'webhook', info.url);
      if (info.url) {
        const got: string[] = [...(info.allowed_updates ?? [])].sort();
        const want: string[] = [...deps.allowedUpdates].sort();
        const missing = want.filter((u) => !got.includes(u));
        const extra = got.filter((u) => !want.includes(u));
        if (missing.length || extra.length) add('fail', 'update types', `${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && extra.length ? '; ' : ''}${extra.length ? `not handled ${extra.join(', ')}` : ''}: run npm run webhook -- set`);
        else add('ok', 'update types', want.join(', '));
      }
      add(info.pending_update_count > 100 ? 'warn' : 'ok', 'pending updates', `${info.pending_update_count}${info.pending_update_count > 100 ? ': Telegram is holding a backlog; is the webhook answering 200?' : ''}`);
      const recent = info.last_error_date !== undefined && now.getTime() / 1000 - info.last_error_date < 3600;
      if (info.last_error_date === undefined) add('ok', 'last webhook error', 'none');
      else add(recent ? 'warn' : 'ok', 'last webhook error', `${info.last_error_message ?? 'unknown'} at ${new Date(info.last_error_date * 1000).toISOString()}${recent ? ' (within the hour: check the Vercel function logs)' : ''}`);
    } catch (err) {
      add('fail', 'webhook', `could not read getWebhookInfo: ${message(err)}`);
    }
  }
  return results;
}
