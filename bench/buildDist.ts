import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { PROJECT_ROOT } from './benchConfig.js';

let built: Promise<void> | undefined;

/**
 * Compiles the project to dist/ (`npm run build`'s `tsc -p tsconfig.build.json`), once per
 * bench run: Vercel and Railway run compiled JavaScript, so the cold-start, reply and memory
 * scenarios measure that, not tsx. `--noCheck` emits the very same JavaScript (the project is
 * `isolatedModules`) without type checking, which is `npm test`'s job: a type error elsewhere in
 * a working tree must not stop a benchmark.
 */
export function buildDist(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
    const child = spawn(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`tsc -p tsconfig.build.json --noCheck exited with ${code}`))));
  });
  return built;
}
