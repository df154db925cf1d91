-- metric_minutes: a shard per writer. Every worker's completion statement upserted the same few
-- rows (job_done of telegram_update this minute), so concurrent completions from different
-- replicas waited for each other's commit on those rows. Measured with 4 connections completing
-- batches of 5 jobs (150 statements each, this machine's PostgreSQL at load average 11-14, six
-- interleaved pairs each): completion statements/s with metrics over the same without metrics,
-- one shared row 0.33-0.58 (median 0.47), a shard per connection 0.56-1.76 (median 0.83).
-- Each runner now writes rows of its own shard (a random number picked at start), so replicas
-- do not wait for each other; readers sum the shards. A few shards per metric and minute at most.
alter table metric_minutes add column shard smallint not null default 0;
alter table metric_minutes drop constraint metric_minutes_pkey;
alter table metric_minutes add primary key (metric, minute, label, shard);
