import assert from 'node:assert/strict';
import { test } from 'node:test';
import { shutdownWorker } from '../worker/shutdownWorker.js';
import { testLogger } from './support/testLogger.js';

// worker/main.ts on SIGTERM: whatever goes wrong while stopping, the pool is closed and the
// process gets an exit code instead of hanging until the platform kills it.

function parts(stop: () => Promise<void>) {
  const steps: string[] = [];
  return {
    steps,
    deps: {
      log: testLogger,
      server: { close: () => steps.push('server closed') },
      worker: { stop: async (deadlineMs?: number) => { steps.push(`worker stopping (${deadlineMs} ms)`); await stop(); steps.push('worker stopped'); } },
      sql: { end: async ({ timeout }: { timeout: number }) => { steps.push(`pool closed (${timeout} s)`); } },
      deadlineMs: 10_000,
    },
  };
}

test('a clean stop closes the health server, stops the worker, then closes the pool, and exits 0', async () => {
  const { steps, deps } = parts(async () => {});
  assert.equal(await shutdownWorker(deps), 0);
  assert.deepEqual(steps, ['server closed', 'worker stopping (10000 ms)', 'worker stopped', 'pool closed (5 s)']);
});

test('a worker whose stop throws still gets its pool closed, and the process exits 1', async () => {
  const { steps, deps } = parts(async () => { throw new Error('release failed'); });
  assert.equal(await shutdownWorker(deps), 1);
  assert.deepEqual(steps, ['server closed', 'worker stopping (10000 ms)', 'pool closed (5 s)']);
});

test('a start-up that failed before the worker existed closes the pool; a pool that will not close exits 1', async () => {
  const { steps, deps } = parts(async () => {});
  assert.equal(await shutdownWorker({ ...deps, worker: undefined }), 0);
  assert.deepEqual(steps, ['server closed', 'pool closed (5 s)']);
  assert.equal(await shutdownWorker({ ...deps, worker: undefined, sql: { end: () => Promise.reject(new Error('socket hang up')) } }), 1);
});
