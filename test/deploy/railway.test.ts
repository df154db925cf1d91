import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TelegramEmulator } from '../../emulator/telegram/index.js';
import { listMigrations } from '../../shared/db/migrate.js';
import { stopBoundMs } from '../../worker/jobRunner.js';
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
    const worker = parseWorkerConfig({ DATABASE_URL: 'postgres://localhost/x', TELEGRAM_BOT_TOKEN: '1:x', BOT_FEATURES: 'growth' });
    // worker/main.ts: SIGTERM → the runner's stop, at most stopBoundMs(shutdownTimeoutMs) whatever
    // the database does (running jobs, the aborted ones' grace, the statements that give jobs
    // back) → sql.end({ timeout: 5 }).
    assert.equal(typeof deploy.drainingSeconds, 'number');
    assert.ok((deploy.drainingSeconds as number) * 1000 >= stopBoundMs(worker.shutdownTimeoutMs) + 5000, `drainingSeconds ${String(deploy.drainingSeconds)} is shorter than the worker's shutdown`);
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

// A generous bound so that a worker which never starts fails the test instead of hanging it.
describe('the Railway start command, run by hand', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  let startCommand: string;

  before(async () => {
    const config = await readRailwayConfig();
    startCommand = String(config.deploy?.startCommand);
    // dist/ is built by the build-command suite above; build it here too when run alone.
    const build = await railwayRuns(String(config.build?.buildCommand), {});
    assert.equal(build.code, 0, build.output);
    db = await createTestDatabase();
  });
  after(async () => {
    // A test that timed out never reached its own kill.
    for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
    await db?.drop();
  });

  const workerEnv = (apiRoot: string, token = '123456:unreachable-test-token') => ({
    DATABASE_URL: db.url, DATABASE_POOL_MAX: '1', WORKER_LISTEN: 'off', TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: apiRoot, PORT: '0', LOG_LEVEL: 'info', BOT_FEATURES: 'growth',
  });

  test('answers /healthz while the Bot API is unreachable, saying so, and logs each getMe attempt', async () => {
    const worker = startProcess(startCommand, workerEnv(`http://127.0.0.1:${await closedPort()}`));
    try {
      const [, port] = await worker.waitFor(/"port":(\d+)/);
      const attempt = await worker.waitFor(/"msg":"Telegram unreachable: getMe failed; retrying"/);
      assert.ok(attempt, 'one log line per failed attempt');
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 503);
      const body = await res.json() as { ok: boolean; state: string; attempt: number; error: string };
      assert.equal(body.ok, false);
      assert.equal(body.state, 'telegram_unreachable');
      assert.ok(body.attempt >= 1);
      assert.ok(!worker.output().includes('unreachable-test-token'), 'the token is never logged');
    } finally {
      worker.kill('SIGTERM');
    }
    assert.equal(await worker.exited, 0, worker.output());
  });

  test('stops with one clear line when Telegram rejects the token (401)', async () => {
    const telegram = await TelegramEmulator.start();
    try {
      const worker = startProcess(startCommand, workerEnv(telegram.apiRoot, '123456:not-this-bots-token'));
      assert.equal(await worker.exited, 1, worker.output());
      const lines = worker.output().trim().split('\n').map((l) => JSON.parse(l) as { level: number; msg: string });
      const fatal = lines.filter((l) => l.level >= 50);
      assert.equal(fatal.length, 1, worker.output());
      assert.match(fatal[0]!.msg, /Telegram rejected TELEGRAM_BOT_TOKEN \(401 Unauthorized\).*@BotFather/);
      assert.ok(!worker.output().includes('getMe failed; retrying'), 'a rejected token is not retried');
    } finally {
      await telegram.close();
    }
  });

  test('once Telegram answers, /healthz says running with the queue figures', async () => {
    const telegram = await TelegramEmulator.start();
    const worker = startProcess(startCommand, workerEnv(telegram.apiRoot, telegram.token));
    try {
      const [, port] = await worker.waitFor(/"port":(\d+)/);
      await worker.waitFor(/"msg":"worker running"/);
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(res.status, 200);
      assert.equal((await res.json() as { state: string }).state, 'running');
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
      await telegram.close();
    }
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const started = new Set<ChildProcess>();

/** A long-running command, started as Railway starts it (`exec`, so signals reach node). */
function startProcess(command: string, env: Record<string, string>) {
  const child = spawn('sh', ['-c', `exec ${command}`], { cwd: PROJECT_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  started.add(child);
  let output = '';
  const waiters = new Set<() => void>();
  const onData = (c: string) => { output += c; for (const w of waiters) w(); };
  child.stdout.setEncoding('utf8').on('data', onData);
  child.stderr.setEncoding('utf8').on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => { for (const w of waiters) w(); resolve(code); }));
  let done = false;
  void exited.then(() => { done = true; });
  return {
    output: () => output,
    kill: (signal: NodeJS.Signals) => child.kill(signal),
    exited,
    /** Resolves with the first match of `re` in the output; rejects if the process exits first. */
    waitFor(re: RegExp): Promise<RegExpExecArray> {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = re.exec(output);
          if (m) { waiters.delete(check); resolve(m); } else if (done || child.exitCode !== null) { waiters.delete(check); reject(new Error(`exited before ${re}:\n${output}`)); }
        };
        waiters.add(check);
        check();
      });
    },
  };
}
