import type { Sql } from '../shared/db/createSql.js';
import { enqueue } from '../shared/queue/enqueue.js';
import { periodicTaskJob } from './periodicTaskJob.js';
import type { PeriodicTask } from './periodicTasks.js';

/**
 * Enqueues each task whose current tick no replica has scheduled yet, and returns the names it
 * enqueued. Safe to call from every replica at once: the periodic_task_runs insert decides
 * which one enqueues a tick (the others conflict and do nothing), and the job's dedupe key,
 * one per task and tick, guards the queue itself. A replica that was down for a tick does not
 * run it late; the next tick's run does the same work.
 */
export async function schedulePeriodicTasks(sql: Sql, tasks: readonly PeriodicTask[], now = Date.now()): Promise<string[]> {
  const scheduled: string[] = [];
  for (const task of tasks) {
    const tick = Math.floor(now / task.everyMs);
    const enqueued = await sql.begin(async (tx) => {
      const [claimed] = await tx`
        insert into periodic_task_runs (task, tick) values (${task.name}, ${tick})
        on conflict do nothing returning task`;
      if (!claimed) return false;
      await enqueue(tx, periodicTaskJob, { task: task.name, tick }, { dedupeKey: `periodic:${task.name}:${tick}`, priority: task.priority });
      return true;
    });
    if (enqueued) scheduled.push(task.name);
  }
  return scheduled;
}
