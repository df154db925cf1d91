import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultInjector, type InjectedFault } from '../shared/FaultInjector.js';
import { ChangeSignal, type WaitOptions } from '../telegram/ChangeSignal.js';
import { type EmulatorLogger, silentLogger } from '../telegram/EmulatorLogger.js';
import { DropboxApiError } from './DropboxApiError.js';
import { badInput, dropboxServerError } from './dropboxErrors.js';
import { type DropboxHost, type DropboxRequest, type DropboxRoute, ROUTE_HOSTS, runRoute } from './dropboxRoutes.js';
import { DropboxStore, type StoredFile } from './DropboxStore.js';

/** Options of {@link DropboxEmulator.start}; every one has a default. */
export interface DropboxEmulatorOptions {
  /** The operator's app (DROPBOX_APP_KEY / DROPBOX_APP_SECRET). @default 'emu-app-key' / 'emu-app-secret' */
  appKey?: string;
  appSecret?: string;
  /** The refresh token the token endpoint accepts (DROPBOX_REFRESH_TOKEN). @default 'emu-refresh-token-0000000000000000' */
  refreshToken?: string;
  /** ms clock for token and link expiry. @default Date.now */
  clock?: () => number;
  /** expires_in of new access tokens, seconds (Dropbox: 4 h). @default 14400 */
  accessTokenLifetimeS?: number;
  /** How long a get_temporary_link link serves the file (Dropbox: 4 h, then 410). @default 14400000 */
  temporaryLinkLifetimeMs?: number;
  /** @default '127.0.0.1' */
  host?: string;
  logger?: EmulatorLogger;
}

/** A fault for a Dropbox call: an error answer, a dropped connection, or no answer until close. */
export type DropboxFault = DropboxApiError | 'network' | 'hang';

/** A call as error injection sees it. */
export interface DropboxCallMatch {
  route: DropboxRoute;
  host: DropboxHost;
  args: Record<string, unknown>;
}

/** One request the emulator answered. */
export interface DropboxCall {
  route: DropboxRoute | 'unknown';
  host: DropboxHost;
  method: string;
  /** Query parameters, with secrets (refresh_token, client_secret) replaced by '[redacted]'. */
  query: Record<string, string>;
  contentType: string | undefined;
  /** The raw Dropbox-API-Arg header, for uploads. */
  apiArg: string | undefined;
  bodyLength: number;
  args: Record<string, unknown>;
  /** ms on the emulator clock. */
  at: number;
  /** 0 when the connection was dropped or left hanging. */
  status: number;
  body: unknown;
}

const SECRET_PARAMS = new Set(['refresh_token', 'client_secret', 'code']);

/**
 * Dropbox API v2 as the `dropbox` npm SDK (10.36+) talks to it, for tests, the bench and the
 * sandbox: the refresh-token grant (parameters in the query string, empty body), files/upload
 * with `Dropbox-API-Arg`, get_temporary_link (links served by the emulator, 410 after 4 h),
 * delete_v2, list_folder, and Dropbox's errors: 409 `{error_summary, error: {'.tag'}}`, 401
 * expired_access_token, 429 with Retry-After. Two ports stand for the two hosts
 * (api.dropboxapi.com, content.dropboxapi.com), so a client that sends a route to the wrong
 * host fails here as it would there.
 */
export class DropboxEmulator {
  readonly store = new DropboxStore();
  readonly calls: DropboxCall[] = [];
  readonly credentials: { appKey: string; appSecret: string; refreshToken: string };

  readonly #clock: () => number;
  readonly #accessTokenLifetimeS: number;
  readonly #temporaryLinkLifetimeMs: number;
  readonly #refreshTokens = new Set<string>();
  readonly #logger: EmulatorLogger;
  readonly #signal = new ChangeSignal();
  readonly #faults = new FaultInjector<DropboxCallMatch, DropboxFault>();
  readonly #servers: Server[] = [];
  readonly #sockets = new Set<Socket>();
  readonly #hanging = new Set<ServerResponse>();
  #apiRoot = '';
  #contentRoot = '';

  private constructor(options: DropboxEmulatorOptions) {
    this.credentials = {
      appKey: options.appKey ?? 'emu-app-key',
      appSecret: options.appSecret ?? 'emu-app-secret',
      refreshToken: options.refreshToken ?? 'emu-refresh-token-0000000000000000',
    };
    this.#refreshTokens.add(this.credentials.refreshToken);
    this.#clock = options.clock ?? Date.now;
    this.#accessTokenLifetimeS = options.accessTokenLifetimeS ?? 14_400;
    this.#temporaryLinkLifetimeMs = options.temporaryLinkLifetimeMs ?? 4 * 60 * 60 * 1000;
    this.#logger = options.logger ?? silentLogger;
  }

  /** Starts both listeners on free ports. */
  static async start(options: DropboxEmulatorOptions = {}): Promise<DropboxEmulator> {
    const emulator = new DropboxEmulator(options);
    const roots: string[] = [];
    for (const host of ['api', 'content'] as const) {
      const server = createServer((req, res) => void emulator.#handle(host, req, res));
      server.on('connection', (socket) => {
        emulator.#sockets.add(socket);
        socket.on('close', () => emulator.#sockets.delete(socket));
      });
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, options.host ?? '127.0.0.1', resolve);
      });
      emulator.#servers.push(server);
      roots.push(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    }
    [emulator.#apiRoot = '', emulator.#contentRoot = ''] = roots;
    return emulator;
  }

  /** Stands for https://api.dropboxapi.com (DROPBOX_API_ROOT). */
  get apiRoot(): string {
    return this.#apiRoot;
  }

  /** Stands for https://content.dropboxapi.com (DROPBOX_CONTENT_ROOT); temporary links are served here too. */
  get contentRoot(): string {
    return this.#contentRoot;
  }

  async close(): Promise<void> {
    this.#signal.close();
    for (const res of this.#hanging) res.destroy();
    const servers = this.#servers.splice(0);
    await Promise.all(servers.map((server) => new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of this.#sockets) socket.destroy();
    })));
  }

  // ---- State --------------------------------------------------------------------------------

  /** Stored files, by display path. */
  get files(): StoredFile[] {
    return [...this.store.files.values()];
  }

  /** The file at `path` (case-insensitive, as Dropbox). */
  file(path: string): StoredFile | undefined {
    return this.store.files.get(path.toLowerCase());
  }

  /** Puts a file straight into the store, e.g. an old upload for retention tests. */
  putFile(path: string, bytes: Buffer, options: { serverModified?: number } = {}): StoredFile {
    const file = this.store.put(path, bytes, options.serverModified ?? this.#clock());
    this.#signal.notify();
    return file;
  }

  /** Makes every access token handed out so far expired: the next call with one gets 401 expired_access_token. */
  expireAccessTokens(): void {
    for (const token of this.store.accessTokens.keys()) this.store.accessTokens.set(token, Number.NEGATIVE_INFINITY);
  }

  /** Revokes the refresh token: the token endpoint then answers 400 invalid_grant. */
  revokeRefreshToken(token = this.credentials.refreshToken): void {
    this.#refreshTokens.delete(token);
  }

  // ---- Error injection and waiting ------------------------------------------------------------

  /** Fails the next call(s) of `route`; `afterEffect` stores/deletes first, then answers the fault. */
  failNext(route: DropboxRoute, fault: DropboxFault, options: { times?: number; afterEffect?: boolean } = {}): InjectedFault {
    return this.#faults.inject((call) => call.route === route, fault, { times: options.times ?? 1, afterEffect: options.afterEffect === true });
  }

  /** Fails every call matching `predicate`, `times` times (default: until removed). */
  injectFault(predicate: (call: DropboxCallMatch) => boolean, fault: DropboxFault | (() => DropboxFault),
    options: { times?: number; afterEffect?: boolean } = {}): InjectedFault {
    return this.#faults.inject(predicate, fault, options);
  }

  clearFaults(): void {
    this.#faults.clear();
  }

  callsTo(route: DropboxRoute): DropboxCall[] {
    return this.calls.filter((call) => call.route === route);
  }

  /** Resolves with the first non-undefined value of `check`, re-evaluated after every call. */
  waitFor<T>(check: () => T | undefined, options: WaitOptions & { description?: string } = {}): Promise<T> {
    return this.#signal.waitFor(check, options.description ?? 'a condition',
      () => this.calls.slice(-10).map((call) => `${call.route} → ${call.status}`), options);
  }

  // ---- Serving ------------------------------------------------------------------------------

  async #handle(host: DropboxHost, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (host === 'content' && url.pathname.startsWith('/temporary/')) return this.#serveLink(url.pathname, res);
    const at = this.#clock();
    const body = await readBody(req);
    const contentType = req.headers['content-type'];
    const apiArg = header(req, 'dropbox-api-arg') ?? url.searchParams.get('arg') ?? undefined;
    const name = url.pathname === '/oauth2/token' ? 'oauth2/token' : url.pathname.replace(/^\/2\//, '');
    const route = name in ROUTE_HOSTS ? (name as DropboxRoute) : 'unknown';
    let args: Record<string, unknown> = {};
    const record = (status: number, answer: unknown): void => {
      this.calls.push({
        route, host, method: req.method ?? 'POST', contentType, apiArg, bodyLength: body.length, args, at, status, body: answer,
        query: Object.fromEntries([...url.searchParams].map(([key, value]) => [key, SECRET_PARAMS.has(key) ? '[redacted]' : value])),
      });
      this.#logger.debug({ route, status }, 'dropbox emulator call');
      this.#signal.notify();
    };
    try {
      if (route === 'unknown') throw badInput(name, `Unknown API function: "${name}"`);
      if (ROUTE_HOSTS[route] !== host) throw badInput(route, `Request must be made to ${ROUTE_HOSTS[route]}.dropboxapi.com`);
      if (req.method !== 'POST') throw badInput(route, 'Only POST is allowed');
      args = parseArgs(route, contentType, apiArg, body);
      const request: DropboxRequest = { host, route, query: url.searchParams, headers: req.headers, body, args };
      const matched = this.#faults.match({ route, host, args });
      if (matched !== undefined && !matched.afterEffect) return this.#answerFault(res, matched.fault, record);
      const result = runRoute({
        store: this.store, now: at, accessTokenLifetimeS: this.#accessTokenLifetimeS, temporaryLinkLifetimeMs: this.#temporaryLinkLifetimeMs,
        app: { key: this.credentials.appKey, secret: this.credentials.appSecret, refreshTokens: this.#refreshTokens },
        linkRoot: `${this.#contentRoot}/temporary`,
      }, request);
      if (matched !== undefined) return this.#answerFault(res, matched.fault, record);
      record(200, result);
      send(res, 200, result);
    } catch (error) {
      let answer = error instanceof DropboxApiError ? error : undefined;
      if (answer === undefined) {
        this.#logger.error({ err: error }, 'dropbox emulator failed');
        answer = dropboxServerError();
      }
      record(answer.status, answer.body);
      send(res, answer.status, answer.body, answer.headers);
    }
  }

  #answerFault(res: ServerResponse, fault: DropboxFault, record: (status: number, body: unknown) => void): void {
    if (fault === 'network') {
      record(0, undefined);
      res.socket?.destroy();
    } else if (fault === 'hang') {
      record(0, undefined);
      this.#hanging.add(res);
      res.on('close', () => this.#hanging.delete(res));
    } else {
      record(fault.status, fault.body);
      send(res, fault.status, fault.body, fault.headers);
    }
  }

  /** A temporary link: the file's bytes with its mime type while valid and the file unchanged; 410 Gone after. */
  #serveLink(pathname: string, res: ServerResponse): void {
    const id = pathname.split('/')[2] ?? '';
    const link = this.store.temporaryLinks.get(id);
    const file = link === undefined ? undefined : this.store.files.get(link.pathLower);
    if (link === undefined) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
    if (file === undefined || file.id !== link.fileId || this.#clock() >= link.expiresAt) {
      return void res.writeHead(410, { 'content-type': 'text/plain' }).end('Gone');
    }
    res.writeHead(200, { 'content-type': mimeType(file.name), 'content-length': file.bytes.length }).end(file.bytes);
  }
}

function parseArgs(route: DropboxRoute, contentType: string | undefined, apiArg: string | undefined, body: Buffer): Record<string, unknown> {
  if (route === 'oauth2/token') return {};
  if (route === 'files/upload') {
    if (!(contentType ?? '').startsWith('application/octet-stream')) {
      throw badInput(route, `Bad HTTP "Content-Type" header: "${contentType ?? ''}".  Expecting one of "application/octet-stream", "text/plain; charset=dropbox-cors-hack".`);
    }
    if (apiArg === undefined) throw badInput(route, 'Must provide HTTP header "Dropbox-API-Arg" or URL parameter "arg".');
    return parseJson(route, apiArg, 'HTTP header "Dropbox-API-Arg"');
  }
  if (!(contentType ?? '').startsWith('application/json')) {
    throw badInput(route, `Bad HTTP "Content-Type" header: "${contentType ?? ''}".  Expecting one of "application/json", "text/plain; charset=dropbox-cors-hack".`);
  }
  return parseJson(route, body.toString('utf8'), 'request body');
}

function parseJson(route: string, text: string, where: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw badInput(route, `${where}: could not decode input as JSON`);
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mimeType(name: string): string {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', txt: 'text/plain' }[ext] ?? 'application/octet-stream';
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, {
    'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json',
    'content-length': Buffer.byteLength(text), ...headers,
  }).end(text);
}
