-- Periodic tasks: one row per task and tick that some worker replica scheduled.
--
-- Every replica checks the schedule (worker/periodicTasks.ts); the first to insert a task's
-- row for the current tick enqueues its job in the same transaction, and the others conflict
-- and do nothing. The job's dedupe key alone would not do: it holds only while the job lives,
-- and a replica checking after the job finished would enqueue the tick again. Rows older than a
-- week are deleted by the cleanup_periodic_runs task.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.
create table periodic_task_runs (
  task           text not null,
  -- The task's period number: floor(epoch milliseconds / period).
  tick           bigint not null,
  scheduled_at   timestamptz not null default now(),
  primary key (task, tick)
);
alter table periodic_task_runs enable row level security;
create index periodic_task_runs_scheduled_at_idx on periodic_task_runs (scheduled_at);
