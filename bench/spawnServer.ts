import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from './benchConfig.js';

/** A bench server running in its own process. */
export interface SpawnedServer {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Runs a bench/servers/*.ts file in a child Node process (through tsx) and waits for the port
 * it prints. A separate process keeps the load generator's CPU out of the server's event loop,
 * as it would be in production, although on a 2-core machine they still share the cores.
 */
export async function spawnServer(file: string, env: Record<string, string>, path = '/api/telegram'): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', file], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${file} exited with ${code} before listening`)));
    lines.once('line', (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  // The server's later output (pino's error logs) is drained so it can never block on a full pipe.
  lines.on('line', () => {});
  return {
    url: `http://127.0.0.1:${port}${path}`,
    child,
    stop: () => new Promise((resolve) => {
      if (child.exitCode !== null) return resolve();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => { clearTimeout(timer); resolve(); });
      child.kill('SIGTERM');
    }),
  };
}
