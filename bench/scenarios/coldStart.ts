import { spawn } from 'node:child_process';
import { request } from 'node:http';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { PROJECT_ROOT } from '../benchConfig.js';
import { buildDist } from '../buildDist.js';
import { freshDatabase } from '../freshDatabase.js';
import { machineLoad } from '../machineLoad.js';
import { summarize } from '../percentiles.js';
import { startCommandUpdate } from '../sampleUpdate.js';
import { checkGoal, type Scenario, type ScenarioResult } from '../scenarioResult.js';

const RUNS = 10;
const SECRET = 'bench_secret-123';
const FUNCTION_FILE = path.join(PROJECT_ROOT, 'dist/api/telegram.js');
const PROBE_FILE = path.join(PROJECT_ROOT, 'bench/probes/coldStartProbe.mjs');
/** Code the webhook function must never load: the bot, its features, the worker, the emulator. */
const FORBIDDEN = [/\/shared\/bot\//, /\/node_modules\/grammy\//, /\/node_modules\/@grammyjs\//, /\/worker\//, /\/emulator\//];

interface ColdStart {
  /** From spawn() to the end of the first 200, measured by this process: everything. */
  spawnToResponseMs: number;
  /** Node's own start-up, before the first line of the probe. */
  bootMs: number;
  importMs: number;
  /** The first request inside the function: its first database connection included. */
  firstRequestMs: number;
  modules: string[];
  /** Size of each of `modules`, in bytes. */
  sizes: number[];
  bytes: number;
}

function post(port: number, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, path: '/api/telegram', method: 'POST', agent: false,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-telegram-bot-api-secret-token': SECRET },
    }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(body);
  });
}

async function coldStartOnce(databaseUrl: string, updateId: number, moduleGraph: boolean): Promise<ColdStart> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: databaseUrl, TELEGRAM_WEBHOOK_SECRET: SECRET, PROBE_MODULE_GRAPH: moduleGraph ? '1' : '0' };
  delete env.NODE_OPTIONS; // nothing of the bench's own loader may reach the function
  const started = performance.now();
  const child = spawn(process.execPath, [PROBE_FILE, FUNCTION_FILE], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const ready = JSON.parse((await lines.next()).value as string) as { port: number; bootMs: number; importMs: number };
    const status = await post(ready.port, JSON.stringify(startCommandUpdate(updateId, 42)));
    const spawnToResponseMs = performance.now() - started;
    if (status !== 200) throw new Error(`the cold function answered ${status}`);
    const after = JSON.parse((await lines.next()).value as string) as { firstRequestMs: number; modules: string[]; sizes: number[]; bytes: number };
    return { spawnToResponseMs, bootMs: ready.bootMs, importMs: ready.importMs, ...after };
  } finally {
    child.kill('SIGKILL');
  }
}

/** Scenario 6: a fresh Node process importing the compiled webhook function and answering once. */
export const coldStart: Scenario = {
  name: 'cold-start',
  title: 'Cold start of the webhook function',
  async run({ serverUrl, progress }): Promise<ScenarioResult> {
    progress('building dist/ (npm run build)');
    await buildDist();
    const db = await freshDatabase(serverUrl, 'coldstart');
    const runs: ColdStart[] = [];
    let graph: ColdStart;
    const load = machineLoad();
    try {
      for (let i = 0; i < RUNS; i++) runs.push(await coldStartOnce(db.url, i + 1, false));
      graph = await coldStartOnce(db.url, RUNS + 1, true);
    } finally {
      await db.drop();
    }
    const forbidden = graph.modules.filter((m) => FORBIDDEN.some((re) => re.test(m)));
    const total = summarize(runs.map((r) => r.spawnToResponseMs));
    const ours = summarize(runs.map((r) => r.importMs + r.firstRequestMs));
    // Where the loaded source comes from, heaviest first: what to trim if the cold start is slow.
    const byPackage = new Map<string, { modules: number; bytes: number }>();
    for (const [file, bytes] of graph.modules.map((m, i) => [m, graph.sizes[i]!] as const)) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? '(project)';
      const entry = byPackage.get(name) ?? { modules: 0, bytes: 0 };
      byPackage.set(name, { modules: entry.modules + 1, bytes: entry.bytes + bytes });
    }
    const packages = [...byPackage].filter(([name]) => name !== '(project)');
    const breakdown = [...byPackage].sort((a, b) => b[1].bytes - a[1].bytes)
      .map(([name, p]) => `${name} ${p.modules} modules/${Math.round(p.bytes / 1024)} KB`).join(', ');
    return {
      scenario: this.name,
      rows: [
        {
          subject: 'dist/api/telegram.js, fresh process',
          values: {
            import_and_first_request_p50_ms: ours.p50, import_and_first_request_max_ms: ours.max,
            import_p50_ms: summarize(runs.map((r) => r.importMs)).p50,
            first_request_p50_ms: summarize(runs.map((r) => r.firstRequestMs)).p50,
            node_boot_p50_ms: summarize(runs.map((r) => r.bootMs)).p50,
            spawn_to_first_200_p50_ms: total.p50, spawn_to_first_200_max_ms: total.max,
          },
        },
        {
          subject: 'its module graph',
          values: { modules: graph.modules.length, source_kb: graph.bytes / 1024, packages: packages.length, bot_or_feature_modules: forbidden.length },
        },
      ],
      goals: [
        checkGoal('import + first request (p50 of cold starts)', ours.p50, '<=', 150, 'ms'),
        checkGoal('bot/feature/worker modules in its graph', forbidden.length, '<=', 0, 'modules'),
      ],
      notes: [
        `${RUNS} cold starts, each a new \`node bench/probes/coldStartProbe.mjs dist/api/telegram.js\` (compiled as npm run build does, as Vercel runs it; no TypeScript loader in the process); the first request is a real /start update, its first database connection included; Vercel's own runtime wrapper is not part of this; load average ${load}`,
        `loaded source by package: ${breakdown}${forbidden.length ? `; forbidden modules: ${forbidden.map((m) => path.relative(PROJECT_ROOT, m)).join(', ')}` : ''}`,
      ],
    };
  },
};
