import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { signLoginWidget } from '../../shared/dashboard/verifyLoginWidget.js';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.js';
import { PROJECT_ROOT, runCommand } from '../support/runCommand.js';

// `vercel build` with the pinned Vercel CLI, offline, as a deploy would run it: what it puts
// in .vercel/output is exactly what Vercel serves.

/** Every file under `dir`, relative to it, sorted; [] when `dir` does not exist. */
async function filesUnder(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => !e.isDirectory()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** The `.func` directories of a Build Output, as their route (`api/telegram`). */
async function functionsIn(outputDir: string): Promise<string[]> {
  const dir = path.join(outputDir, 'functions');
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isDirectory() && e.name.endsWith('.func'))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).replace(/\.func$/, '')).sort();
}

describe('vercel build (Vercel CLI from devDependencies, offline)', () => {
  let outputDir: string;
  /** What this test created, to leave the checkout as it found it. */
  let created: string | undefined;
  let db: TestDatabase;

  before(async () => {
    // A project linked with `vercel link` or `vercel pull` keeps its own project.json; without
    // one, `vercel build` needs a local one and then builds with no network at all.
    const vercelDir = path.join(PROJECT_ROOT, '.vercel');
    const projectJson = path.join(vercelDir, 'project.json');
    if (!existsSync(projectJson)) {
      created = existsSync(vercelDir) ? projectJson : vercelDir;
      await mkdir(vercelDir, { recursive: true });
      await writeFile(projectJson, JSON.stringify({ projectId: 'prj_offline_build', orgId: 'team_offline_build', settings: { framework: null } }));
    }
    outputDir = await mkdtemp(path.join(tmpdir(), 'growthbot-vercel-'));
    const build = await runCommand('vercel', ['build', '--yes', '--output', outputDir], {
      env: {
        VERCEL_TELEMETRY_DISABLED: '1',
        // The Node builder runs `npm install` in the checkout before bundling. `npm ci` has
        // installed the lockfile already; a dry run keeps the build from touching node_modules
        // while other test files are using it.
        npm_config_dry_run: 'true',
        VERCEL_TOKEN: undefined, VERCEL_ORG_ID: undefined, VERCEL_PROJECT_ID: undefined,
      },
    });
    assert.equal(build.code, 0, `vercel build failed:\n${build.output}`);
    db = await createTestDatabase();
  });

  after(async () => {
    await db?.drop();
    if (outputDir) await rm(outputDir, { recursive: true, force: true });
    if (created) await rm(created, { recursive: true, force: true });
  });

  test('serves only public/ as static files, none of the repository', async () => {
    const served = await filesUnder(path.join(outputDir, 'static'));
    assert.deepEqual(served, await filesUnder(path.join(PROJECT_ROOT, 'public')));
    for (const secretish of ['package-lock.json', 'supabase', 'shared', 'worker', 'test', '.ci']) {
      assert.ok(!served.some((f) => f === secretish || f.startsWith(`${secretish}/`)), `${secretish} is served`);
    }
  });

  test('the dashboard\'s assets are static files, but no page: every page goes through the function, which checks the session', async () => {
    const served = await filesUnder(path.join(outputDir, 'static'));
    for (const asset of ['admin/assets/app.js', 'admin/assets/api.js', 'admin/assets/dashboard.css', 'admin/assets/pages/jobs.js', 'admin/assets/vendor/uPlot.iife.min.js']) {
      assert.ok(served.includes(asset), `${asset} is served`);
    }
    assert.deepEqual(served.filter((f) => f.startsWith('admin/') && !f.startsWith('admin/assets/')), [], 'nothing under /admin but the assets');
    assert.deepEqual(served.filter((f) => f.endsWith('.html')), [], 'no page is a static file');
    const { routes } = JSON.parse(await readFile(path.join(outputDir, 'config.json'), 'utf8')) as { routes: { src?: string; dest?: string; handle?: string }[] };
    const afterFilesystem = routes.slice(routes.findIndex((r) => r.handle === 'filesystem') + 1);
    const rewrite = (p: string) => afterFilesystem.find((r) => r.src && new RegExp(r.src).test(p))?.dest;
    assert.equal(rewrite('/admin'), '/api/admin');
    assert.match(rewrite('/admin/jobs') ?? '', /^\/api\/admin\?__admin_path=/);
    assert.match(rewrite('/admin/api/jobs/replay') ?? '', /^\/api\/admin\?__admin_path=/);
  });

  test('the functions are the files in api/, on Node 22, without bot code', async () => {
    const functions = await functionsIn(outputDir);
    const apiFiles = (await filesUnder(path.join(PROJECT_ROOT, 'api'))).filter((f) => f.endsWith('.ts')).map((f) => `api/${f.replace(/\.ts$/, '')}`);
    assert.deepEqual(functions, apiFiles);
    const func = path.join(outputDir, 'functions', 'api', 'telegram.func');
    const config = JSON.parse(await readFile(path.join(func, '.vc-config.json'), 'utf8')) as { runtime: string; handler: string };
    assert.equal(config.runtime, 'nodejs22.x', 'the Node major is pinned in package.json engines');
    const bundled = await filesUnder(func);
    const botCode = bundled.filter((f) => f.startsWith('shared/bot/') || f.startsWith('worker/') || f.startsWith('node_modules/grammy/') || f.startsWith('node_modules/zod/'));
    assert.deepEqual(botCode, [], 'the webhook bundle must not carry the bot');
    const admin = await filesUnder(path.join(outputDir, 'functions', 'api', 'admin.func'));
    assert.ok(admin.some((f) => f.startsWith('shared/dashboard/')), 'the dashboard function carries the dashboard');
    assert.deepEqual(admin.filter((f) => f.startsWith('shared/bot/') || f.startsWith('worker/') || f.startsWith('node_modules/grammy/')), [], 'the dashboard bundle must not carry the bot');
  });

  test('the built dashboard function refuses without a session and signs an admin in', async () => {
    const func = path.join(outputDir, 'functions', 'api', 'admin.func');
    const { handler } = JSON.parse(await readFile(path.join(func, '.vc-config.json'), 'utf8')) as { handler: string };
    const botToken = '123456:built-dashboard-token';
    const served = await serveFunction(path.join(func, handler), { DATABASE_URL: db.url, TELEGRAM_BOT_TOKEN: botToken, ADMIN_TELEGRAM_IDS: '77', LOG_LEVEL: 'error' });
    try {
      // As Vercel calls it after the rewrite of /admin/api/overview and /admin/jobs.
      assert.equal((await fetch(`${served.url}/api/admin?__admin_path=api/overview`)).status, 401);
      const page = await fetch(`${served.url}/api/admin?__admin_path=jobs`, { redirect: 'manual' });
      assert.equal(page.status, 302);
      assert.equal(page.headers.get('location'), '/admin/sign-in');
      const signIn = await fetch(`${served.url}/api/admin?__admin_path=auth/telegram&${signLoginWidget({ id: 77, first_name: 'Op', auth_date: Math.floor(Date.now() / 1000) }, botToken)}`);
      assert.equal(signIn.status, 200);
      const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('admin_session='))!.split(';')[0]!;
      const overview = await fetch(`${served.url}/api/admin?__admin_path=api/overview`, { headers: { cookie } });
      assert.equal(overview.status, 200);
      const { overview: o } = await overview.json() as { overview: { users: { total: number } } };
      const [row] = await db.sql<{ n: number }[]>`select count(*)::int as n from users`;
      assert.equal(o.users.total, row!.n);
    } finally {
      await served.stop();
    }
  });

  test('a Telegram update POSTed through the built function becomes one job', async () => {
    const func = path.join(outputDir, 'functions', 'api', 'telegram.func');
    const { handler } = JSON.parse(await readFile(path.join(func, '.vc-config.json'), 'utf8')) as { handler: string };
    const served = await serveFunction(path.join(func, handler), {
      DATABASE_URL: db.url, TELEGRAM_WEBHOOK_SECRET: 'built-secret', INGRESS_DB_POOL_MAX: '1', LOG_LEVEL: 'error',
    });
    try {
      const update = { update_id: 7001, message: { message_id: 1, date: 0, chat: { id: 42, type: 'private' }, from: { id: 42, is_bot: false, first_name: 'Ana' }, text: '/start' } };
      const post = (secret: string) => fetch(`${served.url}/api/telegram`, {
        method: 'POST', body: JSON.stringify(update), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      });
      assert.equal((await post('wrong')).status, 401);
      const ok = await post('built-secret');
      assert.equal(ok.status, 200, await ok.text());
      assert.equal((await post('built-secret')).status, 200, 'a redelivery is acknowledged');
      const jobs = await db.sql<{ type: string; update_id: number }[]>`select type, (payload->>'update_id')::int as update_id from jobs`;
      assert.deepEqual(jobs.map((j) => ({ ...j })), [{ type: 'telegram_update', update_id: 7001 }]);
    } finally {
      await served.stop();
    }
  });
});

/**
 * Runs a built function's handler in its own Node process behind a plain HTTP server, with the
 * given environment (its module scope reads it, once, as on a cold start). The handler takes
 * Node's request and response, as Vercel's Node launcher passes them.
 */
async function serveFunction(handlerFile: string, env: Record<string, string>): Promise<{ url: string; stop(): Promise<void> }> {
  const launcher = `
    import { createServer } from 'node:http';
    const { default: handler } = await import(process.argv[1]);
    const server = createServer((req, res) => { handler(req, res).catch((err) => { console.error(err); res.statusCode = 500; res.end(); }); });
    server.listen(0, '127.0.0.1', () => console.log('listening ' + server.address().port));
    process.on('SIGTERM', () => server.close(() => process.exit(0)));`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', launcher, handlerFile], { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  child.stderr.setEncoding('utf8').on('data', (c: string) => { output += c; });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      output += c;
      const m = /listening (\d+)/.exec(output);
      if (m) resolve(Number(m[1]));
    });
    void exited.then(() => reject(new Error(`the built function exited before listening:\n${output}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
