import type { Sql } from '../shared/db/createSql.js';
import { requeueOverdueCopyDeletions } from '../shared/modules/instapost/requeueOverdueCopyDeletions.js';
import type { AlertSettings } from '../shared/modules/alerts/alertSettings.js';
import { checkAlerts } from '../shared/modules/alerts/checkAlerts.js';
import { JobPriority } from '../shared/queue/priority.js';
import { repairStrandedKeys } from '../shared/queue/repairStrandedKeys.js';
import { deleteExpiredSessions, deleteOldBulkUploads, deleteOldMetrics, deleteOldPeriodicRuns, deleteOldSeenUpdates, deleteStaleRateLimits, deleteStaleSignInAttempts } from './maintenance.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Work that runs on a schedule, once per tick however many worker replicas run. */
export interface PeriodicTask {
  /** Also the job's log field and the key of its periodic_task_runs rows. */
  readonly name: string;
  /** The period; ticks are aligned to the Unix epoch (hourly tasks run at the start of each UTC hour). */
  readonly everyMs: number;
  /** Returns what it did (counts), for the log. Must be idempotent: a crashed run is retried. */
  run(sql: Sql): Promise<Record<string, number>>;
  /** The tick's job priority. Default the periodic_task job's (background). */
  readonly priority?: number;
}

/**
 * Every periodic task, in one place (seed 004 §6.3). The worker schedules them; pg_cron is an
 * alternative (DEPLOYMENT.md), not a requirement. A module's own tasks (BotModule.periodicTasks:
 * payments' hourly plan sweep and daily Star reconciliation) join these in startWorker; cache
 * cleanup comes with a cache. InstaPost's publish job and the deletion of a post's Dropbox copies 7 days
 * on are jobs scheduled for their time (docs/POSTING.md); the daily retention sweep re-enqueues a
 * deletion whose job was lost.
 */
export const periodicTasks: readonly PeriodicTask[] = [
  { name: 'cleanup_seen_updates', everyMs: HOUR, run: async (sql) => ({ deleted: await deleteOldSeenUpdates(sql) }) },
  { name: 'cleanup_sessions', everyMs: HOUR, run: async (sql) => ({ deleted: await deleteExpiredSessions(sql) }) },
  { name: 'cleanup_rate_limits', everyMs: HOUR, run: async (sql) => ({ deleted: await deleteStaleRateLimits(sql) }) },
  { name: 'cleanup_sign_in_attempts', everyMs: HOUR, run: async (sql) => ({ deleted: await deleteStaleSignInAttempts(sql) }) },
  { name: 'cleanup_periodic_runs', everyMs: DAY, run: async (sql) => ({ deleted: await deleteOldPeriodicRuns(sql) }) },
  { name: 'cleanup_metrics', everyMs: DAY, run: async (sql) => ({ deleted: await deleteOldMetrics(sql) }) },
  // A backstop: the key hand-over never strands a key; a bug, a manual edit or a restore might.
  { name: 'repair_stranded_keys', everyMs: HOUR, run: async (sql) => ({ promoted: (await repairStrandedKeys(sql)).length }) },
  // A /bulk upload lasts a day; it and its photos are deleted a day after its last change.
  { name: 'cleanup_bulk_uploads', everyMs: HOUR, run: async (sql) => ({ deleted: await deleteOldBulkUploads(sql) }) },
  // Each post's copies are deleted by a job of its own 7 days on; this catches a post whose job was lost.
  { name: 'instapost_retention_sweep', everyMs: DAY, run: async (sql) => ({ requeued: await requeueOverdueCopyDeletions(sql) }) },
];

/**
 * The alert rules' check (seed 004 §10.2; docs/METRICS.md): once a minute, on one replica, ahead
 * of any backlog (a queue thousands deep is one of the things it reports). Messages go to
 * `adminIds` (ADMIN_TELEGRAM_IDS) when a rule changes level.
 */
export function checkAlertsTask(settings: AlertSettings, adminIds: readonly number[]): PeriodicTask {
  return { name: 'check_alerts', everyMs: MINUTE, priority: JobPriority.monitoring, run: (sql) => checkAlerts(sql, settings, adminIds) };
}
