import type { Sql } from '../../db/createSql.js';
import { addMetricCounts } from '../../metrics/addMetricCounts.js';
import { Metric } from '../../metrics/metricNames.js';
import { enqueueMany } from '../../queue/enqueue.js';
import { type AlertLevel, type AlertRule, alertLevel, alertRules, alertThreshold } from './alertRules.js';
import type { AlertSettings } from './alertSettings.js';
import { alertNotifyJob } from './alertNotifyJob.js';
import { measureAlerts } from './measureAlerts.js';

/**
 * The periodic alert check (worker/periodicTasks.ts, once a minute on one replica): samples the
 * queue for the charts, measures every rule and, for each rule whose level changed since the
 * last check, records the new level and enqueues a message to every admin, in one transaction.
 * A rule that stays at its level sends nothing; going back to ok sends "resolved". A retried or
 * overlapping run takes the same advisory lock and finds the level already recorded, so a
 * change is announced once.
 */
export async function checkAlerts(sql: Sql, settings: AlertSettings, adminIds: readonly number[]): Promise<Record<string, number>> {
  const measured = await measureAlerts(sql, settings);
  await addMetricCounts(sql, [
    { metric: Metric.queueReady, label: '', count: 1, sum: measured.queue.ready, max: measured.queue.ready },
    { metric: Metric.queueLagSeconds, label: '', count: 1, sum: measured.queue.lagSeconds, max: measured.queue.lagSeconds },
  ]);
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('check_alerts'))`;
    const rows = await tx<{ rule: AlertRule; level: AlertLevel }[]>`select rule, level from alert_states`;
    const known = new Map(rows.map((r) => [r.rule, r.level]));
    let changed = 0;
    let notices = 0;
    for (const rule of alertRules) {
      const value = measured.values[rule];
      const threshold = alertThreshold(rule, settings);
      const level = alertLevel(value, threshold);
      const previous = known.get(rule) ?? 'ok';
      if (known.has(rule) && level === previous) continue;
      await tx`
        insert into alert_states (rule, level, value) values (${rule}, ${level}, ${value})
        on conflict (rule) do update set level = excluded.level, value = excluded.value, changed_at = now(), checked_at = now()`;
      if (level === previous) continue; // a rule seen for the first time, and fine
      changed += 1;
      const ids = await enqueueMany(tx, alertNotifyJob, adminIds.map((chatId) => ({
        payload: { chatId, rule, level, previous, value, warning: threshold.warning, critical: threshold.critical },
      })));
      notices += ids.length;
    }
    await tx`update alert_states set checked_at = now()`;
    return { changed, notices, queue_ready: measured.queue.ready };
  });
}
