import type { Queryable } from '../db/Queryable.js';

/**
 * Wakes idle workers after jobs were committed: `NOTIFY jobs`, which every worker LISTENs on,
 * plus any in-process runner given (`npm start` runs one beside the webhook, on a database
 * where LISTEN does not reach it).
 *
 * At most one NOTIFY is in flight per waker, and the caller never waits for it: one woken
 * worker claims everything pending, and a lost wake-up costs at most the workers' poll
 * interval. Never call it inside a transaction: a transaction that notifies holds a
 * database-wide lock through its commit (see migration jobs_notify_explicit). Producers that
 * enqueue inside a transaction get their NOTIFY from `enqueue` itself, at commit.
 */
export function createWaker(sql: Queryable, options: { inProcess?: () => void } = {}): () => Promise<void> {
  let inFlight: Promise<void> | undefined;
  // Returns the NOTIFY in flight, for a serverless function to keep its instance alive until
  // it is sent (Vercel's waitUntil); it never rejects.
  return function wakeWorkers() {
    options.inProcess?.();
    inFlight ??= sql`select pg_notify('jobs', '')`.then(() => {}, () => {}).finally(() => { inFlight = undefined; });
    return inFlight;
  };
}
