import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PROJECT_ROOT } from './benchConfig.js';

/** The compiled worker (`node dist/worker/main.js`, what Railway runs) as a child process. */
export interface SpawnedWorker {
  child: ChildProcess;
  /** Resident set size now, from /proc/<pid>/status (VmRSS), in MB. */
  rssMb(): Promise<number>;
  /** The highest resident set size so far (VmHWM, kept by the kernel), in MB. */
  peakRssMb(): Promise<number>;
  /** SIGTERM, as Railway stops it; SIGKILL after 15 s. */
  stop(): Promise<void>;
}

async function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/**
 * The worker's Node/V8 flags as Railway starts it: the flags of `deploy.startCommand` in
 * railway.json (`node <flags> dist/worker/main.js`), unless BENCH_WORKER_NODE_ARGS overrides
 * them, to try other settings without touching the product
 * (`BENCH_WORKER_NODE_ARGS=--max-semi-space-size=4 npm run bench -- worker-memory`, or
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile a scenario's worker).
 */
export function workerNodeArgs(): string[] {
  if (process.env.BENCH_WORKER_NODE_ARGS !== undefined) return process.env.BENCH_WORKER_NODE_ARGS.split(' ').filter(Boolean);
  const railway = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'railway.json'), 'utf8')) as { deploy: { startCommand: string } };
  return railway.deploy.startCommand.split(' ').filter((word) => word.startsWith('--'));
}

/**
 * Starts dist/worker/main.js (build it first with {@link import('./buildDist.js').buildDist})
 * with the worker's own defaults unless `env` overrides them, and `nodeArgs` (V8 flags) if
 * given (scenarios pass {@link workerNodeArgs}). Its logs (pino, info level by default, one line per job) go to /dev/null: written, as
 * in production, but not kept.
 */
export function spawnWorker(env: Record<string, string>, nodeArgs: string[] = []): SpawnedWorker {
  // The growth bot unless a scenario asks for InstaPost (which needs its services' variables).
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: '0', BOT_FEATURES: 'growth', ...env };
  delete childEnv.NODE_OPTIONS;
  const child = spawn(process.execPath, [...nodeArgs, path.join(PROJECT_ROOT, 'dist/worker/main.js')], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const pid = child.pid!;
  return {
    child,
    rssMb: async () => (await statusKb(pid, 'VmRSS')) / 1024,
    peakRssMb: async () => (await statusKb(pid, 'VmHWM')) / 1024,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
