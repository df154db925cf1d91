-- Metrics for the alert rules (seed 004 §10.2) and the dashboard's charts, aggregated per
-- minute: one row per metric, minute and label, whatever the traffic, instead of a row per event.
--
-- Written without a commit of its own: what a job recorded rides the statement that deletes
-- the finished job (or records its failed attempt), so the worker's hot path keeps one
-- transaction per update (shared/queue/completeJobs.ts, failJob.ts). The periodic alert check
-- adds the queue's gauges once a minute. Counters add to `count`; the reply-time histogram is one
-- row per bucket (`label` its upper bound in ms) with the bucket's `sum` and `max`; gauges are
-- samples (`count` samples, `sum` of values, `max`). docs/METRICS.md lists every metric.
--
-- The primary key leads with the metric: every reader asks for one metric over a time range.
-- Rows older than 30 days are deleted by the cleanup_metrics periodic task.
--
-- As in the backbone: row level security on, no policy; our code connects as the owner.
create table metric_minutes (
  metric   text not null,
  -- The start of the UTC minute.
  minute   timestamptz not null,
  label    text not null default '',
  count    bigint not null default 0,
  sum      double precision not null default 0,
  max      double precision,
  primary key (metric, minute, label)
);
alter table metric_minutes enable row level security;
-- The daily cleanup's range. Counts are updated in place (HOT: no indexed column changes), so
-- only a minute's first row of each metric and label touches it.
create index metric_minutes_minute_idx on metric_minutes (minute);

-- One row per alert rule: the level it was last seen at, so that a rule messages the admins
-- when its level changes and never again while it stays (worker/periodicTasks.ts, check_alerts).
create table alert_states (
  rule        text primary key,
  level       text not null check (level in ('ok', 'warning', 'critical')),
  -- The measured value when the level last changed.
  value       double precision,
  changed_at  timestamptz not null default now(),
  checked_at  timestamptz not null default now()
);
alter table alert_states enable row level security;

-- "Failed posts per hour" counts from posts itself (exact, whatever retried): a partial index
-- keeps that count to the failed posts of the last hour.
create index posts_failed_updated_at_idx on posts (updated_at) where state = 'failed';
-- The dashboard's new users per day.
create index users_created_at_idx on users (created_at);
