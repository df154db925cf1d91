import type { Logger } from '../shared/logger.js';

/** What {@link shutdownWorker} stops, in this order. */
export interface ShutdownDeps {
  log: Logger;
  /** The health-check server: it stops accepting connections first. */
  server?: { close(): unknown };
  /** The runner and the periodic tasks; absent when start-up failed before them. */
  worker?: { stop(deadlineMs?: number): Promise<void> };
  /** The pool, closed last whatever happened before, so the process can exit. */
  sql: { end(options: { timeout: number }): Promise<void> };
  /** How long running jobs may take (SHUTDOWN_TIMEOUT_MS). */
  deadlineMs: number;
}

/**
 * Stops the worker process's parts: the health server, the runner (see `JobRunner.stop`), then
 * the pool with a 5 s timeout. The pool is closed and a code returned even when a step throws:
 * a failed stop must not leave the process hanging with its connections open until Railway's
 * SIGKILL. Returns 0 for a clean stop, 1 otherwise.
 */
export async function shutdownWorker(deps: ShutdownDeps): Promise<number> {
  let code = 0;
  try {
    deps.server?.close();
    await deps.worker?.stop(deps.deadlineMs);
  } catch (err) {
    code = 1;
    deps.log.error({ err }, 'the worker did not stop cleanly; closing the pool anyway');
  } finally {
    try {
      await deps.sql.end({ timeout: 5 });
    } catch (err) {
      code = 1;
      deps.log.error({ err }, 'could not close the database pool');
    }
  }
  return code;
}
