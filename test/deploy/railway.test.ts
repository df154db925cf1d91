import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { listMigrations } from '../../shared/db/migrate.js';
import { parseWorkerConfig } from '../../worker/workerConfig.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { PROJECT_ROOT, runCommand } from '../support/runCommand.js';

// railway.json checked as Railway reads it, and its commands run as Railway runs them (its
// CLI downloads a binary at install time, so it cannot be a devDependency here).

interface RailwayConfig {
  build?: Record<string, unknown>;
  deploy?: Record<string, unknown>;
}

type Check = (value: unknown) => boolean;
const string: Check = (v) => typeof v === 'string';
const nullable = (check: Check): Check => (v) => v === null || check(v);
// Railway parses these as JSON numbers: "60" fails the whole config ("Expected number, received string").
const number: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const stringArray: Check = (v) => Array.isArray(v) && v.every(string);
const object: Check = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);

/**
 * The keys of Railway's config-as-code reference (docs.railway.com/config-as-code/reference),
 * plus `numReplicas` and `sleepApplication` from railway.schema.json, with the types the
 * deployment parser accepts. A key outside these is ignored or rejects the deploy.
 */
const REFERENCE: Record<'build' | 'deploy', Record<string, Check>> = {
  build: {
    builder: oneOf('RAILPACK', 'DOCKERFILE', 'NIXPACKS'),
    watchPatterns: stringArray,
    buildCommand: nullable(string),
    dockerfilePath: nullable(string),
    railpackVersion: nullable(string),
    nixpacksConfigPath: nullable(string),
    nixpacksPlan: nullable(object),
    nixpacksVersion: nullable(string),
  },
  deploy: {
    startCommand: nullable(string),
    preDeployCommand: (v) => string(v) || stringArray(v),
    multiRegionConfig: nullable(object),
    numReplicas: number,
    healthcheckPath: nullable(string),
    healthcheckTimeout: nullable(number),
    restartPolicyType: oneOf('ON_FAILURE', 'ALWAYS', 'NEVER'),
    restartPolicyMaxRetries: nullable(number),
    cronSchedule: nullable(string),
    sleepApplication: (v) => typeof v === 'boolean',
    overlapSeconds: nullable(number),
    drainingSeconds: nullable(number),
  },
};

async function readRailwayConfig(): Promise<RailwayConfig> {
  return JSON.parse(await readFile(path.join(PROJECT_ROOT, 'railway.json'), 'utf8')) as RailwayConfig;
}

/** Runs one of railway.json's commands the way Railway does: a shell in the project root. */
function railwayRuns(command: string, env: Record<string, string | undefined>) {
  return runCommand('sh', ['-c', command], { env });
}

describe('railway.json', () => {
  test('uses only keys from Railway\'s config-as-code reference, with the types its parser accepts', async () => {
    const config = await readRailwayConfig();
    assert.deepEqual(Object.keys(config).filter((k) => !['$schema', 'build', 'deploy', 'environments'].includes(k)), []);
    for (const section of ['build', 'deploy'] as const) {
      for (const [key, value] of Object.entries(config[section] ?? {})) {
        const check = REFERENCE[section][key];
        assert.ok(check, `${section}.${key} is not in Railway's config-as-code reference`);
        assert.ok(check(value), `${section}.${key} has a type Railway rejects: ${JSON.stringify(value)}`);
      }
    }
  });

  test('gives a stopping worker the time it takes: drainingSeconds covers the shutdown timeout and closing the pool', async () => {
    const { deploy = {} } = await readRailwayConfig();
    const worker = parseWorkerConfig({ DATABASE_URL: 'postgres://localhost/x', TELEGRAM_BOT_TOKEN: '1:x' });
    // worker/main.ts: SIGTERM → running jobs get shutdownTimeoutMs → sql.end({ timeout: 5 }).
    assert.equal(typeof deploy.drainingSeconds, 'number');
    assert.ok((deploy.drainingSeconds as number) * 1000 >= worker.shutdownTimeoutMs + 5000, `drainingSeconds ${String(deploy.drainingSeconds)} is shorter than the worker's shutdown`);
    assert.equal(deploy.healthcheckPath, '/healthz');
  });
});

describe('the Railway build and pre-deploy commands, run by hand', () => {
  let db: TestDatabase;
  let config: RailwayConfig;

  before(async () => {
    config = await readRailwayConfig();
    // Railpack runs `npm ci` itself, then the build command; node_modules is already installed.
    const build = await railwayRuns(String(config.build?.buildCommand), {});
    assert.equal(build.code, 0, `the build command failed:\n${build.output}`);
    db = await createTestDatabase({ migrated: false });
  });
  after(async () => { await db?.drop(); });

  test('the pre-deploy command migrates an empty database from dist/, and a second run applies nothing', async () => {
    const commands = config.deploy?.preDeployCommand;
    const command = Array.isArray(commands) ? commands.join(' && ') : String(commands);
    assert.match(command, /dist\//, 'the pre-deploy command runs the compiled migrate script, as the start command runs the compiled worker');
    const first = await railwayRuns(command, { DATABASE_URL: db.url });
    assert.equal(first.code, 0, first.output);
    const recorded = await db.sql<{ version: string }[]>`select version from supabase_migrations.schema_migrations order by version`;
    assert.deepEqual(recorded.map((r) => r.version), (await listMigrations()).map((m) => m.version));
    const second = await railwayRuns(command, { DATABASE_URL: db.url });
    assert.equal(second.code, 0, second.output);
    assert.match(second.output, /nothing to apply/);
  });
});
