import type { BotModule } from '../../bot/BotModule.js';
import { alertNotifyHandler } from './alertNotifyHandler.js';

/**
 * Alerts: the admins' messages when a rule of seed 004 §10.2 changes level. The check itself is
 * a periodic task (worker/periodicTasks.ts, `check_alerts`); docs/METRICS.md.
 */
export const alertsModule: BotModule = {
  name: 'alerts',
  jobs: ({ api }) => [alertNotifyHandler({ api })],
};
