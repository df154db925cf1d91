import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { defaultBotSettings } from '../../shared/bot/botSettings.js';
import { startWorker } from '../../worker/startWorker.js';
import { broadcastAdmin, broadcastCopies, quietActiveGroups, runBroadcast, waitForReport } from '../../test/groups/broadcastSupport.js';
import { startWebhookServer } from '../../test/support/startWebhookServer.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { checkGoal, type Scenario } from '../scenarioResult.js';
import { silentLogger } from '../silentLogger.js';

const GROUPS = 1000;
const RATE = 30;

/**
 * The broadcast pacing goal (Telegram's 30 messages/s to different chats), measured here rather than asserted in a test (timings on these shared
 * machines are noisy): a broadcast to 1,000 groups at 30 messages/s finishes within 5% of
 * 1,000/30 s, against an emulator that answers 429 past Telegram's limits.
 */
export const broadcastPacing: Scenario = {
  name: 'broadcast-pacing',
  title: 'Broadcast pacing: 1,000 groups at 30 messages/s',
  async run({ serverUrl, progress }) {
    const db = await freshDatabase(serverUrl, 'broadcast');
    const telegram = await TelegramEmulator.start({ enforceLimits: true });
    const hook = await startWebhookServer(db.sql, 'secret');
    telegram.setWebhook({ url: hook.url, secret_token: 'secret' });
    const worker = await startWorker({
      sql: db.sql, log: silentLogger, botToken: telegram.token, apiRoot: telegram.apiRoot,
      botSettings: { ...defaultBotSettings, broadcast: { messagesPerSecond: RATE, groupMessagesPerMinute: 20 } },
      runner: { listen: true },
    });
    try {
      const admin = await broadcastAdmin(telegram, db.sql);
      const groups = await quietActiveGroups(telegram, db.sql, admin, GROUPS);
      const load = machineLoad();
      progress(`broadcasting to ${GROUPS} groups at ${RATE}/s`);
      const confirm = await runBroadcast(telegram, admin, 'groups', 'Pacing');
      const confirmIndex = telegram.calls.findIndex((c) => c.method === 'sendMessage' && c.response.ok && (c.response.result as { message_id: number }).message_id === confirm.message_id);
      const pressedAt = telegram.calls.find((c, i) => i > confirmIndex && c.method === 'answerCallbackQuery')!.at;
      await waitForReport(telegram, admin, 120_000);
      const ids = new Set(groups.map((g) => g.id));
      const sends = telegram.callsTo('sendMessage').filter((c) => ids.has(Number(c.params.chat_id)) && c.response.ok);
      const elapsedS = (Math.max(...sends.map((c) => c.at)) - pressedAt) / 1000;
      const ideal = GROUPS / RATE;
      const tooMany = telegram.calls.filter((c) => !c.response.ok && c.response.error_code === 429).length;
      const twice = groups.filter((g) => broadcastCopies(telegram, g.id).length > 1).length;
      return {
        scenario: this.name,
        rows: [{
          subject: `${GROUPS} groups at ${RATE}/s, emulator enforcing Telegram's limits`,
          values: { elapsed_s: elapsedS, ideal_s: ideal, over_ideal_pct: (elapsedS / ideal - 1) * 100, sent: sends.length, answered_429: tooMany, groups_twice: twice },
        }],
        goals: [checkGoal('last copy after Send, vs 1,000/30 s', elapsedS, '<=', ideal * 1.05, 's')],
        notes: [`from the admin pressing Send to the last group's copy; in-process worker with its defaults, LISTEN on; load average ${load}`],
      };
    } finally {
      await worker.stop(2000);
      await telegram.close();
      await hook.close();
      await db.drop();
    }
  },
};
