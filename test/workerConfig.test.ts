import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../shared/config/parseEnv.js';
import { parseWorkerConfig } from '../worker/workerConfig.js';

const base = { DATABASE_URL: 'postgres://localhost/x', TELEGRAM_BOT_TOKEN: '1:x', BOT_FEATURES: 'growth' };

test('the worker\'s pool has a connection per concurrent job plus two for the runner, unless DATABASE_POOL_MAX says otherwise', () => {
  // An update holds its connection for its whole transaction: with fewer, slots wait for connections.
  assert.deepEqual([parseWorkerConfig(base).concurrency, parseWorkerConfig(base).poolMax], [16, 18]);
  assert.equal(parseWorkerConfig({ ...base, WORKER_CONCURRENCY: '4' }).poolMax, 6);
  assert.equal(parseWorkerConfig({ ...base, WORKER_CONCURRENCY: '4', DATABASE_POOL_MAX: '3' }).poolMax, 3);
  assert.throws(() => parseWorkerConfig({ ...base, DATABASE_POOL_MAX: '0' }), (e: unknown) => e instanceof ConfigError && /DATABASE_POOL_MAX must be at least 1/.test(e.message));
});

test('claims may fail for 30 s before /healthz says so, unless JOB_CLAIM_FAILURE_MS says otherwise; under a second is refused by name', () => {
  assert.equal(parseWorkerConfig(base).claimFailureMs, 30_000);
  assert.equal(parseWorkerConfig({ ...base, JOB_CLAIM_FAILURE_MS: '5000' }).claimFailureMs, 5000);
  // Shorter than a slow claim under load, and a healthy worker would flap.
  assert.throws(() => parseWorkerConfig({ ...base, JOB_CLAIM_FAILURE_MS: '100' }), (e: unknown) => e instanceof ConfigError && /JOB_CLAIM_FAILURE_MS must be at least 1000/.test(e.message));
});
