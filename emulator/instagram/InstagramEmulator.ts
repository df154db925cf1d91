import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Socket } from 'node:net';
import { FaultInjector, type InjectedFault } from '../shared/FaultInjector.js';
import { ChangeSignal, type WaitOptions } from '../telegram/ChangeSignal.js';
import { type EmulatorLogger, silentLogger } from '../telegram/EmulatorLogger.js';
import { EmulatedInstagramAccount } from './EmulatedInstagramAccount.js';
import { GraphApiError } from './GraphApiError.js';
import { graphServerError } from './graphErrors.js';
import { type GraphOperation, resolveRoute, type RouteContext } from './graphRoutes.js';
import { type ContainerRecord, GraphWorld } from './GraphWorld.js';
import { publishedPostsPage } from './publishedPostsPage.js';
import { type GraphRequest, readGraphRequest } from './readGraphRequest.js';

/** Options of {@link InstagramEmulator.start}; every one has a default. */
export interface InstagramEmulatorOptions {
  /** @default 0 (a free port) */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** ms clock for container processing, expiry (24 h), quotas (rolling 24 h). @default Date.now */
  clock?: () => number;
  /** How long a new container stays IN_PROGRESS before FINISHED. @default 2000 */
  containerProcessingMs?: number;
  /** How long a new post cannot be read (100/33) after media_publish. @default 0 */
  permalinkDelayMs?: number;
  /** content_publishing_limit's quota_total for new accounts (Meta's docs say 50 or 100). @default 50 */
  quotaTotal?: number;
  /** How long the emulator waits for an image_url before -2/2207003. @default 10000 */
  fetchTimeoutMs?: number;
  /** Show each account's Page token on the posts page (the sandbox: a newcomer copies it into /account). @default false */
  showTokensOnPostsPage?: boolean;
  logger?: EmulatorLogger;
}

/** Options of {@link InstagramEmulator.createAccount}. */
export interface CreateAccountOptions {
  /** The Instagram username, without @. */
  username: string;
  /** @default the username */
  name?: string;
  /** @default 1234 */
  followers?: number;
  /** @default the emulator's quotaTotal */
  quotaTotal?: number;
  /** @default `${username}'s Page` */
  pageName?: string;
}

/**
 * A fault for a Graph call: an error answered as Graph does, `'network'` (the connection is
 * dropped: the client sees a network error) or `'hang'` (never answered until close, for
 * deadline tests).
 */
export type GraphFault = GraphApiError | 'network' | 'hang';

/** A call as error injection sees it. */
export interface GraphCallMatch {
  operation: GraphOperation;
  method: string;
  /** The path after the version, e.g. '/17841400000000001/media_publish'. */
  path: string;
  params: Record<string, unknown>;
  igUserId?: string;
}

/** Options of {@link InstagramEmulator.failNext}. */
export interface FailGraphOptions {
  /** @default 1 */
  times?: number;
  /** Only calls about this Instagram account. */
  igUserId?: string;
  /**
   * Run the operation (publish the post, create the container) and then answer the fault: the
   * ambiguous failure after which a blind retry would post twice. @default false
   */
  afterEffect?: boolean;
}

/** One Graph call as the emulator answered it. */
export interface GraphCall {
  operation: GraphOperation | 'unknown';
  method: string;
  path: string;
  version: string | undefined;
  /** Parameters without the access token. */
  params: Record<string, unknown>;
  igUserId?: string;
  /** ms on the emulator clock. */
  at: number;
  /** HTTP status answered; 0 when the connection was dropped or left hanging. */
  status: number;
  body: unknown;
  fault?: 'network' | 'hang';
}

/**
 * The Instagram Graph API as a publisher meets it (Facebook Login path), for tests, the bench
 * and the sandbox: Page tokens and their Instagram business accounts, image and carousel
 * containers that are IN_PROGRESS for a while, media_publish with its quota, permalinks, and
 * Meta's errors, including fetching each `image_url` itself over HTTP and rejecting what
 * Instagram rejects. Ids are strings above 2^53.
 *
 * @example
 * const instagram = await InstagramEmulator.start({ containerProcessingMs: 0 });
 * const account = instagram.createAccount({ username: 'sunsets' });
 * // INSTAGRAM_GRAPH_API_ROOT = instagram.graphRoot; the user pastes account.pageToken
 * await instagram.waitFor(() => account.posts[0]);
 */
export class InstagramEmulator {
  /** The emulated Meta state; tests may read it. */
  readonly world = new GraphWorld();
  /** Every call, in the order answered. */
  readonly calls: GraphCall[] = [];

  readonly #options: Required<Omit<InstagramEmulatorOptions, 'port' | 'host' | 'logger'>>;
  readonly #logger: EmulatorLogger;
  readonly #signal = new ChangeSignal();
  readonly #faults = new FaultInjector<GraphCallMatch, GraphFault>();
  readonly #forcedOutcomes: Array<{ igUserId?: string; outcome: NonNullable<ContainerRecord['forcedOutcome']>; remaining: number }> = [];
  readonly #hanging = new Set<ServerResponse>();
  readonly #sockets = new Set<Socket>();
  #server: Server | undefined;
  #root = '';

  private constructor(options: InstagramEmulatorOptions) {
    this.#options = {
      clock: options.clock ?? Date.now,
      containerProcessingMs: options.containerProcessingMs ?? 2000,
      permalinkDelayMs: options.permalinkDelayMs ?? 0,
      quotaTotal: options.quotaTotal ?? 50,
      fetchTimeoutMs: options.fetchTimeoutMs ?? 10_000,
      showTokensOnPostsPage: options.showTokensOnPostsPage ?? false,
    };
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts the HTTP server; resolves once it listens. */
  static async start(options: InstagramEmulatorOptions = {}): Promise<InstagramEmulator> {
    const emulator = new InstagramEmulator(options);
    const server = createServer((req, res) => void emulator.#handle(req, res));
    server.on('connection', (socket) => {
      emulator.#sockets.add(socket);
      socket.on('close', () => emulator.#sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
    });
    emulator.#server = server;
    emulator.#root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return emulator;
  }

  /** `http://127.0.0.1:<port>`: what INSTAGRAM_GRAPH_API_ROOT is set to (any `/vNN.N` version prefix is accepted). */
  get graphRoot(): string {
    return this.#root;
  }

  /** The HTML page listing each account's published posts. */
  get postsPageUrl(): string {
    return `${this.#root}/emulator/posts`;
  }

  /** Stops the server, hanging requests and waits. */
  async close(): Promise<void> {
    this.#signal.close();
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    for (const res of this.#hanging) res.destroy();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    });
  }

  // ---- Accounts -----------------------------------------------------------------------------

  /** A Facebook user with a Page linked to a new Instagram business account. */
  createAccount(options: CreateAccountOptions): EmulatedInstagramAccount {
    const owner = this.world.addUser(options.name ?? options.username);
    const page = this.world.addPage(owner, options.pageName ?? `${options.username}'s Page`);
    this.world.addInstagramUser(page, {
      username: options.username, name: options.name ?? options.username, biography: '',
      followersCount: options.followers ?? 1234, followsCount: 56, quotaTotal: options.quotaTotal ?? this.#options.quotaTotal,
    });
    this.#changed();
    return new EmulatedInstagramAccount(this.world, page);
  }

  /** A Page with no Instagram account linked (its token must be refused by the connect flow). */
  createPageWithoutInstagram(name = 'A Page without Instagram'): EmulatedInstagramAccount {
    const page = this.world.addPage(this.world.addUser(name), name);
    this.#changed();
    return new EmulatedInstagramAccount(this.world, page);
  }

  /** Every account with an Instagram user, in creation order. */
  get accounts(): EmulatedInstagramAccount[] {
    return [...this.world.pages.values()].filter((page) => page.igUserId !== undefined)
      .map((page) => new EmulatedInstagramAccount(this.world, page));
  }

  /** The account with this Instagram user id. */
  account(igUserId: string): EmulatedInstagramAccount | undefined {
    const pageId = this.world.igUsers.get(igUserId)?.pageId;
    const page = pageId === undefined ? undefined : this.world.pages.get(pageId);
    return page === undefined ? undefined : new EmulatedInstagramAccount(this.world, page);
  }

  /** Every post published, across accounts, in publishing order. */
  get publishedPosts(): Array<{ igUserId: string; mediaId: string }> {
    return [...this.world.media.values()].map((media) => ({ igUserId: media.igUserId, mediaId: media.id }));
  }

  // ---- Error injection ----------------------------------------------------------------------

  /** Fails the next call(s) of `operation` with `fault`; see {@link FailGraphOptions}. */
  failNext(operation: GraphOperation, fault: GraphFault, options: FailGraphOptions = {}): InjectedFault {
    return this.#faults.inject(
      (call) => call.operation === operation && (options.igUserId === undefined || call.igUserId === options.igUserId),
      fault, { times: options.times ?? 1, afterEffect: options.afterEffect === true });
  }

  /** Fails every call matching `predicate`, `times` times (default: until removed). */
  injectFault(predicate: (call: GraphCallMatch) => boolean, fault: GraphFault | (() => GraphFault),
    options: { times?: number; afterEffect?: boolean } = {}): InjectedFault {
    return this.#faults.inject(predicate, fault, options);
  }

  /**
   * Makes the next `times` containers created (for one account, or any) end their processing
   * in ERROR (with `subcode` in their `status`, default 2207001) or EXPIRED instead of FINISHED.
   */
  failNextContainers(outcome: { status: 'ERROR'; subcode?: number } | { status: 'EXPIRED' },
    options: { times?: number; igUserId?: string } = {}): void {
    const forced = outcome.status === 'ERROR' ? { status: 'ERROR' as const, subcode: outcome.subcode ?? 2207001 } : outcome;
    this.#forcedOutcomes.push({ outcome: forced, remaining: options.times ?? 1,
      ...(options.igUserId === undefined ? {} : { igUserId: options.igUserId }) });
  }

  /** Removes every injected fault and forced container outcome. */
  clearFaults(): void {
    this.#faults.clear();
    this.#forcedOutcomes.length = 0;
  }

  // ---- Waiting ------------------------------------------------------------------------------

  /** The calls of one operation. */
  callsTo(operation: GraphOperation): GraphCall[] {
    return this.calls.filter((call) => call.operation === operation);
  }

  /** Resolves with the first non-undefined value of `check`, re-evaluated after every call. */
  waitFor<T>(check: () => T | undefined, options: WaitOptions & { description?: string } = {}): Promise<T> {
    return this.#signal.waitFor(check, options.description ?? 'a condition',
      () => this.calls.slice(-10).map((call) => `${call.method} ${call.path} → ${call.status}`), options);
  }

  /** Resolves with the first call (made or to come) matching `predicate`. */
  waitForCall(predicate: (call: GraphCall) => boolean, options: WaitOptions = {}): Promise<GraphCall> {
    return this.waitFor(() => this.calls.find(predicate), { ...options, description: 'a matching Graph call' });
  }

  // ---- Serving ------------------------------------------------------------------------------

  /**
   * Serves the published-posts page (`/emulator/posts`) and its images (`/emulator/media/…`)
   * on another server, e.g. the local app's, so the sandbox can link to it on its own origin.
   * Returns false for any other path.
   */
  handlePostsPage(req: IncomingMessage, res: ServerResponse): boolean {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || (pathname !== '/emulator/posts' && !pathname.startsWith('/emulator/media/'))) return false;
    this.#servePage(pathname, res);
    return true;
  }

  #changed(): void {
    this.#signal.notify();
  }

  #takeForcedOutcome(igUserId: string): ContainerRecord['forcedOutcome'] {
    const entry = this.#forcedOutcomes.find((candidate) => candidate.remaining > 0 &&
      (candidate.igUserId === undefined || candidate.igUserId === igUserId));
    if (entry === undefined) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.#forcedOutcomes.splice(this.#forcedOutcomes.indexOf(entry), 1);
    return entry.outcome;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/emulator/posts' || pathname.startsWith('/emulator/media/')) return this.#servePage(pathname, res);
    const at = this.#options.clock();
    let request: GraphRequest | undefined;
    let operation: GraphOperation | 'unknown' = 'unknown';
    let igUserId: string | undefined;
    const record = (status: number, body: unknown, fault?: 'network' | 'hang'): void => {
      this.calls.push({
        operation, method: request?.method ?? req.method ?? 'GET', path: `/${request?.segments.join('/') ?? ''}`,
        version: request?.version, params: request?.params ?? {}, at, status, body,
        ...(igUserId === undefined ? {} : { igUserId }), ...(fault === undefined ? {} : { fault }),
      });
      this.#logger.debug({ operation, status }, 'instagram emulator call');
      this.#changed();
    };
    try {
      request = await readGraphRequest(req);
      const route = resolveRoute(this.world, request);
      operation = route.operation;
      igUserId = route.igUserId;
      const matched = this.#faults.match({ operation, method: request.method, path: `/${request.segments.join('/')}`,
        params: request.params, ...(igUserId === undefined ? {} : { igUserId }) });
      if (matched !== undefined && !matched.afterEffect) return this.#answerFault(res, matched.fault, record);
      const result = await route.run(this.#context(request));
      if (matched !== undefined) {
        this.#changed();
        return this.#answerFault(res, matched.fault, record);
      }
      record(200, result);
      sendJson(res, 200, result);
    } catch (error) {
      let graphError: GraphApiError;
      if (error instanceof GraphApiError) {
        graphError = error;
      } else {
        this.#logger.error({ err: error }, 'instagram emulator failed');
        graphError = graphServerError(1);
      }
      const body = graphError.toBody();
      record(graphError.status, body);
      sendJson(res, graphError.status, body, graphError.code === 190 || graphError.code === 104
        ? { 'www-authenticate': `OAuth "Facebook Platform" "invalid_token" "${graphError.message.replace(/"/g, "'")}"` }
        : {});
    }
  }

  #answerFault(res: ServerResponse, fault: GraphFault, record: (status: number, body: unknown, fault?: 'network' | 'hang') => void): void {
    if (fault === 'network') {
      record(0, undefined, 'network');
      res.socket?.destroy();
      return;
    }
    if (fault === 'hang') {
      record(0, undefined, 'hang');
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
      return;
    }
    const body = fault.toBody();
    record(fault.status, body);
    sendJson(res, fault.status, body);
  }

  #context(request: GraphRequest): RouteContext {
    return {
      world: this.world,
      request,
      now: this.#options.clock,
      processingMs: this.#options.containerProcessingMs,
      permalinkDelayMs: this.#options.permalinkDelayMs,
      fetchTimeoutMs: this.#options.fetchTimeoutMs,
      mediaUrl: (media, index) => `${this.#root}/emulator/media/${media.id}/${index}.jpg`,
      takeForcedOutcome: (id) => this.#takeForcedOutcome(id),
    };
  }

  #servePage(pathname: string, res: ServerResponse): void {
    if (pathname === '/emulator/posts') {
      res.writeHead(200, {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'",
        'x-content-type-options': 'nosniff',
      }).end(publishedPostsPage(this.world, (mediaId, index) => `/emulator/media/${mediaId}/${index}.jpg`, this.#options.showTokensOnPostsPage));
      return;
    }
    const match = /^\/emulator\/media\/(\d+)\/(\d+)\.jpg$/.exec(pathname);
    const image = match === null ? undefined : this.world.media.get(match[1] ?? '')?.images[Number(match[2])];
    if (image === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': image.bytes.length }).end(image.bytes);
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(json),
    'x-fb-trace-id': Math.random().toString(36).slice(2, 13), ...headers,
  }).end(json);
}
