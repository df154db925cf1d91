import { spawn } from 'node:child_process';
import path from 'node:path';

/** The repository's root, where `npm ci` put `node_modules/.bin`. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..', '..');

/** What a finished command left behind. */
export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived, for assertion messages. */
  output: string;
}

/**
 * Runs a command to completion, capturing its output. `node_modules/.bin` comes first on PATH,
 * so `vercel` and `supabase` are the versions the lockfile pins, never a global install.
 */
export function runCommand(command: string, args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<CommandResult> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env };
  env.PATH = `${path.join(PROJECT_ROOT, 'node_modules', '.bin')}${path.delimiter}${env.PATH ?? ''}`;
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; output += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; output += c; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, output }));
  });
}
