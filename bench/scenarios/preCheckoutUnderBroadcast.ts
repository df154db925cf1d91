import type { PreCheckoutQuery } from 'grammy/types';
import { randomBytes } from 'node:crypto';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { startBroadcast } from '../../shared/modules/broadcasts/startBroadcast.js';
import { createStarInvoice } from '../../shared/modules/payments/starInvoices.js';
import { buildDist } from '../buildDist.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { checkGoal, type Scenario, type ScenarioResult } from '../scenarioResult.js';
import { sleep } from '../sleep.js';
import { spawnServer } from '../spawnServer.js';
import { spawnWorker, workerNodeArgs } from '../spawnWorker.js';
import { waitFor } from '../waitFor.js';

/** The broadcast waiting in the queue: one send job per user (priority bulk). */
const RECIPIENTS = 10_000;
/** Users who pay while it runs, one pre-checkout each. */
const PAYERS = 60;
const PAY_GAP_MS = 100;
const SECRET = 'bench_secret-123';

/**
 * Scenario: the answer to pre_checkout_query (Telegram gives 10 s) while a broadcast to
 * 10,000 users waits in the queue. The whole product on loopback as deployed: the emulator
 * delivers each pre_checkout_query to the webhook (api/telegram.ts), the compiled worker runs
 * the bot with the payments module, which checks the invoice and answers. Measured per query
 * from the emulator asking (its clock) to answerPreCheckoutQuery arriving at its Bot API.
 */
export const preCheckoutUnderBroadcast: Scenario = {
  name: 'precheckout-broadcast',
  title: `Pre-checkout answer behind a ${RECIPIENTS.toLocaleString('en-US')}-user broadcast`,
  async run({ serverUrl, progress }): Promise<ScenarioResult> {
    progress('building dist/ (npm run build)');
    await buildDist();
    const db = await freshDatabase(serverUrl, 'precheckout');
    const telegram = await TelegramEmulator.start();
    const instapostEnv = {
      DROPBOX_APP_KEY: 'bench', DROPBOX_APP_SECRET: 'bench', DROPBOX_REFRESH_TOKEN: 'bench', ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const webhook = await spawnServer('bench/servers/ourWebhookServer.ts', { DATABASE_URL: db.url, TELEGRAM_WEBHOOK_SECRET: SECRET, LOG_LEVEL: 'warn' });
    const worker = spawnWorker({ DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: telegram.token, TELEGRAM_API_ROOT: telegram.apiRoot, LOG_LEVEL: 'warn', ...instapostEnv }, workerNodeArgs());
    const loads: string[] = [];
    const answerMs: number[] = [];
    let bulkWaiting: number | undefined;
    let refused = 0;
    try {
      progress(`${RECIPIENTS} recipients and their broadcast jobs`);
      const recipients = Array.from({ length: RECIPIENTS }, (_, i) => telegram.createUser({ first_name: `R${i}`, language_code: 'en' }));
      const admin = telegram.createUser({ first_name: 'Admin', language_code: 'en' });
      const payers = Array.from({ length: PAYERS }, (_, i) => telegram.createUser({ first_name: `Payer${i}`, language_code: 'en' }));
      const everyone = [...recipients, admin, ...payers];
      for (let i = 0; i < everyone.length; i += 1000) {
        const batch = everyone.slice(i, i + 1000).map((u) => ({ id: u.id, first_name: u.user.first_name, language_code: 'en' }));
        await db.sql`insert into users ${db.sql(batch)}`;
      }
      const [b] = await db.sql<{ id: number }[]>`
        insert into broadcasts (admin_user_id, admin_chat_id, audience, text) values (${admin.id}, ${admin.id}, 'users', 'News') returning id`;
      const planned = await startBroadcast(db.sql, Number(b!.id), admin.id, 1);
      progress(`${planned} send jobs queued`);
      // Each payer's invoice as /upgrade records it, and its link in the emulator.
      const links: string[] = [];
      for (const payer of payers) {
        const invoice = await createStarInvoice(db.sql, { userId: payer.id, plan: 'pro', kind: 'subscription', amount: 1450 });
        const link = `https://t.me/$bench${payer.id}`;
        telegram.world.invoiceLinks.set(link, { title: 'InstaPost Pro', description: 'Pro', payload: invoice.payload, currency: 'XTR',
          prices: [{ label: 'Pro', amount: 1450 }], total_amount: 1450, start_parameter: '', subscription_period: 2_592_000 });
        links.push(link);
      }
      await db.sql`vacuum analyze jobs`;
      telegram.setWebhook({ url: webhook.url, secret_token: SECRET });
      await waitFor('the worker to call getMe', () => telegram.callsTo('getMe').length > 0, 30_000);
      // The broadcast is sending (paced at 5 a second, the default) when the payments start.
      await waitFor('the broadcast to start sending', () => telegram.callsTo('sendMessage').length + telegram.callsTo('copyMessage').length > 0, 60_000);
      await sleep(1000);
      loads.push(machineLoad());
      progress(`${PAYERS} users pay, one every ${PAY_GAP_MS} ms`);
      const queries: PreCheckoutQuery[] = [];
      for (const [i, payer] of payers.entries()) {
        queries.push(payer.payInvoiceLink(links[i]!).update.pre_checkout_query!);
        await sleep(PAY_GAP_MS);
      }
      await waitFor('every pre-checkout answer', () => queries.every((q) => telegram.preCheckoutAnswer(q.id) !== undefined), 60_000);
      loads.push(machineLoad());
      const asked = new Map(queries.map((q) => [q.id, telegram.world.preCheckoutQueries.get(q.id)!.askedAt]));
      for (const call of telegram.callsTo('answerPreCheckoutQuery')) {
        const at = asked.get(String(call.params.pre_checkout_query_id));
        if (at !== undefined) answerMs.push(call.at - at);
        if (call.params.ok !== true && call.params.ok !== 'true') refused++;
      }
      const [row] = await db.sql<{ waiting: number }[]>`select count(*)::int as waiting from jobs where type = 'broadcast_send'`;
      bulkWaiting = row!.waiting;
    } finally {
      await worker.stop();
      await webhook.stop();
      await telegram.close();
      await db.drop();
    }
    if (!bulkWaiting) throw new Error('the broadcast finished before the payments were answered; the scenario measured nothing');
    const answer = summarize(answerMs);
    return {
      scenario: this.name,
      rows: [{
        subject: `pre_checkout_query → answer, ${PAYERS} payers behind ${RECIPIENTS.toLocaleString('en-US')} broadcast jobs`,
        values: { p50_ms: answer.p50, p95_ms: answer.p95, p99_ms: answer.p99, max_ms: answer.max, answers: answer.count, refused, broadcast_jobs_waiting: bulkWaiting },
      }],
      goals: [checkGoal('p99 pre-checkout answer behind a broadcast', answer.p99, '<=', 1000, 'ms')],
      notes: [
        `emulator (bench process) → webhook (api/telegram.ts, own process) → jobs → compiled worker (own process, defaults: concurrency 16, broadcast paced at 5/s) → answerPreCheckoutQuery at the emulator; ${RECIPIENTS.toLocaleString('en-US')} broadcast_send jobs (priority bulk) queued by startBroadcast before the webhook is set; ${PAYERS} payers open a subscription link one every ${PAY_GAP_MS} ms once the broadcast is sending; time from the emulator registering the query to the answer call arriving (both on its clock); Telegram's limit is 10,000 ms; load average ${loads.join(' → ')}`,
      ],
    };
  },
};
