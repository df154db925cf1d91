import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Api, GrammyError } from 'grammy';
import { createSql } from '../shared/db/createSql.js';
import { migrate } from '../shared/db/migrate.js';
import { createWebhookHandler } from '../shared/ingress/createWebhookHandler.js';
import { createDashboardHandler } from '../shared/dashboard/createDashboardHandler.js';
import { parseDashboardConfig } from '../shared/dashboard/dashboardConfig.js';
import { signLoginWidget } from '../shared/dashboard/verifyLoginWidget.js';
import { GraphClient } from '../shared/modules/instapost/GraphClient.js';
import { createWaker } from '../shared/queue/createWaker.js';
import type { Logger } from '../shared/logger.js';
import { allowedUpdates } from '../shared/bot/allowedUpdates.js';
import { BOT_FEATURES } from '../shared/modules/botFeatures.js';
import { allModules, botModules } from '../shared/modules/index.js';
import { parseInstapostConfig } from '../shared/modules/instapost/instapostConfig.js';
import { createInstapostServices } from '../shared/modules/instapost/InstapostServices.js';
import { createHealthHandler } from '../worker/createHealthHandler.js';
import { type StartedWorker, startWorker } from '../worker/startWorker.js';
import { listenSupported } from '../worker/workerConfig.js';
import type { LocalConfig } from './localConfig.js';
import { pollUpdates } from './pollUpdates.js';
import { PortInUseError } from './PortInUseError.js';
import { WebhookIsSetError } from './WebhookIsSetError.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from './startEmbeddedDatabase.js';

/** A running local app (ingress + worker in one process). */
export interface LocalApp {
  /** `http://127.0.0.1:<port>` */
  url: string;
  mode: LocalConfig['mode'];
  /** The Telegram emulator, in sandbox mode. */
  emulator?: import('../emulator/telegram/index.js').TelegramEmulator;
  /** The Instagram Graph API emulator, in sandbox mode, with one pretend account (@sandbox_studio). */
  instagram?: import('../emulator/instagram/index.js').InstagramEmulator;
  /** The Dropbox emulator, in sandbox mode. */
  dropbox?: import('../emulator/dropbox/index.js').DropboxEmulator;
  /**
   * In sandbox mode, InstaPost's variables pointing at the emulators (for parseInstapostConfig);
   * the encryption key is new at every start, as are the emulators' tokens.
   */
  instapostEnv?: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * `npm start`: migrations, then the webhook served at `/api/telegram` (the same handler as the
 * Vercel function), the worker, and `/healthz`, in one process. In sandbox mode the Telegram
 * emulator stands in for Telegram and `/sandbox` lets a person chat with the bot.
 */
export async function startApp(config: LocalConfig, log: Logger): Promise<LocalApp> {
  // What start-up has opened so far, undone in reverse when a later step fails (a worker that
  // cannot start must not leave the port, the emulators and the embedded database behind).
  const opened: (() => unknown)[] = [];
  try {
    return await openApp(config, log, opened);
  } catch (err) {
    for (const close of opened.reverse()) await Promise.resolve().then(close).catch(() => {});
    throw err;
  }
}

async function openApp(config: LocalConfig, log: Logger, opened: (() => unknown)[]): Promise<LocalApp> {
  if (config.mode === 'polling' && config.botToken) {
    // Polling calls deleteWebhook: with the production token that silently unregisters the
    // deployed bot, whose updates then pile up at Telegram (or come here). Ask first.
    const info = await new Api(config.botToken, { apiRoot: config.apiRoot, timeoutSeconds: 10 }).getWebhookInfo();
    if (info.url && !config.force) throw new WebhookIsSetError(info.url);
    if (info.url) log.warn({ webhook: info.url }, 'polling with --force: deleting the webhook; run npm run webhook -- set to register it again');
  }
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    embedded = await startEmbeddedDatabase({ dataDir: path.join(config.dataDir, 'pglite') });
    const db = embedded;
    opened.push(() => db.stop());
    databaseUrl = embedded.url;
    log.info({ dataDir: config.dataDir }, 'DATABASE_URL not set: using the embedded PostgreSQL (PGlite)');
  }
  // Embedded: one connection, since pglite-socket can interleave several connections'
  // extended-protocol messages (seen as "portal does not exist" under concurrent requests).
  const sql = createSql(databaseUrl, { max: embedded ? 1 : 10, applicationName: 'local', caCert: config.databaseCaCert });
  opened.push(() => sql.end({ timeout: 5 }));
  const applied = await migrate(sql);
  if (applied.length) log.info({ applied }, 'migrations applied');

  const secret = config.webhookSecret ?? randomBytes(24).toString('base64url');
  let worker: StartedWorker | undefined;
  // Webhook and worker share this process: a new update wakes the runner directly, since the
  // embedded database has no LISTEN across connections (it would otherwise wait for the poll).
  const wake = createWaker(sql, { inProcess: () => worker?.runner.kick() });
  const handleWebhook = createWebhookHandler({ sql, secret, log, wake, poolMax: embedded ? 1 : 4 });
  let sandbox: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => boolean) | undefined;
  let postsPage: typeof sandbox;
  // Set once the bot token is known (the sandbox's is the emulator's).
  let dashboard: ((req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse) => Promise<void>) | undefined;
  const healthHandler = createHealthHandler({ sql, log, inFlight: () => worker?.runner.inFlight ?? 0, claims: () => worker?.runner.claimHealth() });

  const timeouts = config.httpTimeouts ?? { headersMs: 10_000, requestMs: 30_000 };
  const server: Server = createServer({
    headersTimeout: timeouts.headersMs,
    requestTimeout: timeouts.requestMs,
    // How often Node checks those bounds (default 30 s, which would stretch them).
    connectionsCheckingInterval: Math.min(1000, timeouts.headersMs),
  }, (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    if (pathname === '/api/telegram') return void handleWebhook(req, res);
    if (pathname === '/healthz' && req.method === 'GET') return void healthHandler(req, res);
    if (dashboard && (pathname === '/admin' || pathname?.startsWith('/admin/'))) return void dashboard(req, res);
    if (sandbox?.(req, res)) return;
    if (postsPage?.(req, res)) return;
    if (pathname === '/' && config.mode === 'sandbox') {
      res.writeHead(302, { location: '/sandbox' }).end();
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'EADDRINUSE' ? new PortInUseError(config.port, config.host) : err));
    server.listen(config.port, config.host, resolve);
  });
  opened.push(() => { server.closeAllConnections(); server.close(); });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let emulator: LocalApp['emulator'];
  let instagram: LocalApp['instagram'];
  let dropbox: LocalApp['dropbox'];
  let instapostEnv: LocalApp['instapostEnv'];
  let token = config.botToken;
  let apiRoot = config.apiRoot;
  if (config.mode === 'sandbox') {
    // Loaded only here: production code paths never import the emulators.
    const { TelegramEmulator, createSandboxHandler } = await import('../emulator/telegram/index.js');
    const { InstagramEmulator } = await import('../emulator/instagram/index.js');
    const { DropboxEmulator } = await import('../emulator/dropbox/index.js');
    emulator = await TelegramEmulator.start({});
    const telegram = emulator;
    opened.push(() => telegram.close());
    instagram = await InstagramEmulator.start({ showTokensOnPostsPage: true });
    const graph = instagram;
    opened.push(() => graph.close());
    dropbox = await DropboxEmulator.start();
    const files = dropbox;
    opened.push(() => files.close());
    instagram.createAccount({ username: 'sandbox_studio', name: 'Sandbox Studio', followers: 1234 });
    instapostEnv = {
      INSTAGRAM_GRAPH_API_ROOT: instagram.graphRoot, DROPBOX_API_ROOT: dropbox.apiRoot, DROPBOX_CONTENT_ROOT: dropbox.contentRoot,
      DROPBOX_APP_KEY: dropbox.credentials.appKey, DROPBOX_APP_SECRET: dropbox.credentials.appSecret,
      DROPBOX_REFRESH_TOKEN: dropbox.credentials.refreshToken, ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const posts = instagram;
    postsPage = (req, res) => posts.handlePostsPage(req, res);
    token = emulator.token;
    apiRoot = emulator.apiRoot;
    // A newcomer's first open shows this user's private chat with the bot: /start is the first thing to type.
    const you = emulator.createUser({ first_name: 'Alex', language_code: 'en' });
    sandbox = createSandboxHandler(emulator, { openAs: you, links: [{ label: 'Emulated Instagram: accounts and published posts', href: '/emulator/posts' }] });
    emulator.setWebhook({ url: `${url}/api/telegram`, secret_token: secret });
  }
  if (!token) throw new Error('TELEGRAM_BOT_TOKEN is required outside sandbox mode');

  let dashboardConfig = { ...(config.dashboard ?? parseDashboardConfig({})), botToken: token };
  if (config.mode === 'sandbox' && emulator) {
    // The sandbox's Alex is its admin, and the emulator plays Telegram's Login Widget: this
    // link is what the widget would redirect with, signed with the emulator's bot token.
    const alex = emulator.users.find((u) => u.user.first_name === 'Alex')?.user;
    if (alex && dashboardConfig.adminIds.length === 0) {
      dashboardConfig = { ...dashboardConfig, adminIds: [alex.id] };
      const signed = signLoginWidget({ id: alex.id, first_name: 'Alex', auth_date: Math.floor(Date.now() / 1000) }, token);
      log.info({ signInUrl: `${url}/admin/auth/telegram?${signed}` }, 'admin dashboard: sign in as Alex with this link (once, within a day)');
    }
  }
  const instagramForDashboard = instapostEnv ? parseInstapostConfig(instapostEnv) : config.instapost;
  dashboard = createDashboardHandler({
    sql, config: dashboardConfig, log,
    instagram: instagramForDashboard && { graph: new GraphClient({ root: instagramForDashboard.graph.root, version: instagramForDashboard.graph.version, timeoutMs: 10_000 }), keyring: instagramForDashboard.keyring },
    assetsDir: path.join(import.meta.dirname, '..', 'public', 'admin', 'assets'),
  });

  const features = config.features ?? [...BOT_FEATURES];
  const instapostConfig = !features.includes('instapost') ? undefined : instapostEnv ? parseInstapostConfig(instapostEnv) : config.instapost;
  worker = await startWorker({
    sql, log, botToken: token, apiRoot, botSettings: config.bot, alerts: config.alerts,
    modules: botModules(features, { instapost: instapostConfig && createInstapostServices(instapostConfig) }),
    runner: { listen: !embedded && listenSupported(databaseUrl), pollIntervalMs: config.pollIntervalMs ?? (embedded ? 200 : 1000), claimFailureMs: config.claimFailureMs },
  });
  const running = worker;
  opened.push(() => running.stop(config.shutdownTimeoutMs));

  // The update types the modules this bot runs handle, as the worker runs them.
  const updateTypes = allowedUpdates(allModules);
  const api = new Api(token, { apiRoot });
  let poller: ReturnType<typeof pollUpdates> | undefined;
  if (config.mode === 'polling') poller = pollUpdates({ api, sql, log, wake, allowedUpdates: updateTypes });
  const polling = poller;
  opened.push(() => polling?.stop());
  if (config.mode === 'webhook') {
    if (config.publicUrl) {
      try {
        await api.setWebhook(`${config.publicUrl.replace(/\/$/, '')}/api/telegram`, { secret_token: secret, allowed_updates: updateTypes });
      } catch (err) {
        // Not rethrown as is: grammY's error carries the request, the webhook secret included.
        const reason = err instanceof GrammyError ? err.description : err instanceof Error ? err.message : String(err);
        // eslint-disable-next-line preserve-caught-error -- the cause is the request, secret_token included
        throw new Error(`setWebhook failed: ${reason}`);
      }
      log.info({ url: `${config.publicUrl}/api/telegram` }, 'webhook registered with Telegram');
    } else {
      log.info('webhook mode without PUBLIC_URL: serving /api/telegram; register the webhook yourself');
    }
  }
  log.info({ url, mode: config.mode }, config.mode === 'sandbox'
    ? `sandbox ready: open ${url}/sandbox (the emulated Instagram: ${url}/emulator/posts)` : 'ready');

  return {
    url, mode: config.mode, emulator, instagram, dropbox, instapostEnv,
    async stop() {
      await poller?.stop();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await worker?.stop(config.shutdownTimeoutMs);
      await emulator?.close();
      await instagram?.close();
      await dropbox?.close();
      await sql.end({ timeout: 5 });
      await embedded?.stop();
    },
  };
}
