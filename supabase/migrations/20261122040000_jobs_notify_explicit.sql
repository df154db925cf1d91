-- Wake-ups leave the webhook's transaction.
--
-- A transaction that has sent NOTIFY holds a database-wide lock from just before its commit
-- until the commit's WAL flush is done, so notifying inserts cannot share flushes (group
-- commit). With the statement trigger on jobs, every webhook insert notified: 10 clients ran
-- the webhook's statement at 324-503/s with the trigger and 898-1,492/s without it (pgbench,
-- this machine). Now the webhook notifies after its insert has committed, in a statement of
-- its own that it does not wait for, and `enqueue` notifies inside the producer's
-- transaction. A wake-up that is lost costs at most the worker's poll interval.
drop trigger jobs_notify on jobs;
drop function jobs_notify();
