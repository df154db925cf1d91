import { randomBytes } from 'node:crypto';
import { contentHash } from './contentHash.js';
import { DropboxApiError } from './DropboxApiError.js';
import {
  badInput, contentHashMismatch, expiredAccessToken, invalidAccessToken, invalidClient, invalidGrant, pathLookupNotFound, pathNotFound,
  payloadTooLarge, uploadConflict, uploadMalformedPath,
} from './dropboxErrors.js';
import { DropboxStore, type StoredFile } from './DropboxStore.js';

/** The routes the emulator serves, as named in its call log and error injection. */
export type DropboxRoute =
  | 'oauth2/token' | 'files/upload' | 'files/get_temporary_link' | 'files/delete_v2' | 'files/list_folder'
  | 'files/list_folder/continue' | 'files/get_metadata';

/** Which of Dropbox's two API hosts a request reached. */
export type DropboxHost = 'api' | 'content';

/** One request as the routes see it. */
export interface DropboxRequest {
  host: DropboxHost;
  route: DropboxRoute;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  /** Files/upload: the parsed Dropbox-API-Arg; RPC routes: the parsed JSON body. */
  args: Record<string, unknown>;
}

/** What the routes need from the emulator. */
export interface DropboxRouteContext {
  store: DropboxStore;
  now: number;
  app: { key: string; secret: string; refreshTokens: Set<string> };
  accessTokenLifetimeS: number;
  temporaryLinkLifetimeMs: number;
  /** Base URL of temporary links. */
  linkRoot: string;
}

export const ROUTE_HOSTS: Record<DropboxRoute, DropboxHost> = {
  'oauth2/token': 'api',
  'files/upload': 'content',
  'files/get_temporary_link': 'api',
  'files/delete_v2': 'api',
  'files/list_folder': 'api',
  'files/list_folder/continue': 'api',
  'files/get_metadata': 'api',
};

// files/upload takes at most 150 MiB per call (DBX-http); larger files need upload sessions.
const MAX_UPLOAD_BYTES = 150 * 1024 * 1024;

/** Runs a route; returns the JSON result or throws a DropboxApiError. */
export function runRoute(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  if (request.route === 'oauth2/token') return token(ctx, request);
  authorise(ctx, request);
  switch (request.route) {
    case 'files/upload': return upload(ctx, request);
    case 'files/get_temporary_link': return temporaryLink(ctx, request);
    case 'files/delete_v2': return remove(ctx, request);
    case 'files/get_metadata': return { '.tag': 'file', ...DropboxStore.metadata(lookup(ctx, request, pathNotFound)) };
    case 'files/list_folder': return listFolder(ctx, request);
    case 'files/list_folder/continue': return listFolderContinue(ctx, request);
  }
}

/**
 * The token endpoint. The SDK sends grant_type, refresh_token, client_id and client_secret in
 * the query string with `Content-Type: application/json` and an empty body; other clients send a
 * form body, possibly with HTTP Basic client credentials. All are accepted.
 */
function token(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const params = new URLSearchParams(request.query);
  const type = String(request.headers['content-type'] ?? '');
  if (request.body.length > 0 && type.includes('application/x-www-form-urlencoded')) {
    for (const [key, value] of new URLSearchParams(request.body.toString('utf8'))) params.set(key, value);
  }
  const basic = /^Basic\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (basic !== undefined) {
    const [key, secret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    if (key !== undefined) params.set('client_id', key);
    if (secret !== undefined) params.set('client_secret', secret);
  }
  if (params.get('grant_type') !== 'refresh_token') {
    throw new DropboxApiError(400, { error: 'unsupported_grant_type', error_description: 'grant_type is not supported' });
  }
  if (params.get('client_id') !== ctx.app.key || params.get('client_secret') !== ctx.app.secret) throw invalidClient();
  const refresh = params.get('refresh_token') ?? '';
  if (refresh === '' || refresh.length < 16) throw invalidGrant('refresh token is malformed');
  if (!ctx.app.refreshTokens.has(refresh)) throw invalidGrant();
  const accessToken = `sl.${randomBytes(48).toString('base64url')}`;
  ctx.store.accessTokens.set(accessToken, ctx.now + ctx.accessTokenLifetimeS * 1000);
  return { access_token: accessToken, token_type: 'bearer', expires_in: ctx.accessTokenLifetimeS };
}

function authorise(ctx: DropboxRouteContext, request: DropboxRequest): void {
  const bearer = /^Bearer\s+(\S+)$/i.exec(String(request.headers.authorization ?? ''))?.[1];
  if (bearer === undefined) {
    throw badInput(request.route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".');
  }
  const expiresAt = ctx.store.accessTokens.get(bearer);
  if (expiresAt === undefined) throw invalidAccessToken();
  if (ctx.now >= expiresAt) throw expiredAccessToken();
}

function upload(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const sessionId = `pid_upload_session:${randomBytes(12).toString('base64url')}`;
  const path = request.args.path;
  if (typeof path !== 'string') throw badInput('files/upload', 'HTTP header "Dropbox-API-Arg": missing required field "path"');
  if (!path.startsWith('/') || path.endsWith('/')) throw uploadMalformedPath(sessionId);
  if (request.body.length > MAX_UPLOAD_BYTES) throw payloadTooLarge();
  const mode = request.args.mode;
  const modeTag = typeof mode === 'string' ? mode : (mode as { '.tag'?: string } | undefined)?.['.tag'] ?? 'add';
  const expectedHash = request.args.content_hash;
  const existing = ctx.store.files.get(path.toLowerCase());
  const file = (target: string): StoredFile => {
    const stored = ctx.store.put(target, request.body, ctx.now);
    if (typeof expectedHash === 'string' && expectedHash !== stored.contentHash) {
      ctx.store.files.delete(stored.pathLower);
      if (existing !== undefined) ctx.store.files.set(existing.pathLower, existing);
      throw contentHashMismatch();
    }
    return stored;
  };
  if (existing === undefined || modeTag === 'overwrite') return DropboxStore.metadata(file(path));
  // Identical bytes in add mode are not a conflict: Dropbox answers with the existing file.
  if (existing.contentHash === contentHash(request.body)) return DropboxStore.metadata(existing);
  if (request.args.autorename !== true) throw uploadConflict(sessionId);
  const dot = path.lastIndexOf('.') > path.lastIndexOf('/') ? path.lastIndexOf('.') : path.length;
  for (let n = 1; ; n++) {
    const candidate = `${path.slice(0, dot)} (${n})${path.slice(dot)}`;
    if (!ctx.store.files.has(candidate.toLowerCase())) return DropboxStore.metadata(file(candidate));
  }
}

function lookup(ctx: DropboxRouteContext, request: DropboxRequest, notFound: () => DropboxApiError): StoredFile {
  const path = request.args.path;
  if (typeof path !== 'string') throw badInput(request.route, 'request body: missing required field "path"');
  const file = path.startsWith('id:')
    ? [...ctx.store.files.values()].find((candidate) => candidate.id === path)
    : ctx.store.files.get(path.toLowerCase());
  if (file === undefined) throw notFound();
  return file;
}

function temporaryLink(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const file = lookup(ctx, request, pathNotFound);
  const id = randomBytes(24).toString('base64url');
  ctx.store.temporaryLinks.set(id, { pathLower: file.pathLower, fileId: file.id, expiresAt: ctx.now + ctx.temporaryLinkLifetimeMs });
  return { metadata: DropboxStore.metadata(file), link: `${ctx.linkRoot}/${id}/${encodeURIComponent(file.name)}` };
}

function remove(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const file = lookup(ctx, request, pathLookupNotFound);
  ctx.store.files.delete(file.pathLower);
  return { metadata: { '.tag': 'file', ...DropboxStore.metadata(file) } };
}

function listFolder(ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const path = request.args.path;
  if (typeof path !== 'string') throw badInput('files/list_folder', 'request body: missing required field "path"');
  const folder = path.toLowerCase().replace(/\/$/, '');
  const recursive = request.args.recursive === true;
  const inside = [...ctx.store.files.values()].filter((file) => file.pathLower.startsWith(`${folder}/`));
  if (folder !== '' && inside.length === 0) throw pathNotFound();
  const entries: Array<Record<string, unknown>> = [];
  const folders = new Set<string>();
  for (const file of inside) {
    const rest = file.pathLower.slice(folder.length + 1);
    if (recursive || !rest.includes('/')) {
      entries.push({ '.tag': 'file', ...DropboxStore.metadata(file) });
    } else {
      const name = rest.slice(0, rest.indexOf('/'));
      if (!folders.has(name)) {
        folders.add(name);
        const display = file.pathDisplay.slice(0, folder.length + 1 + name.length);
        entries.push({ '.tag': 'folder', name: display.slice(display.lastIndexOf('/') + 1), path_lower: `${folder}/${name}`, path_display: display,
          id: `id:folder-${name}` });
      }
    }
  }
  const limit = typeof request.args.limit === 'number' ? request.args.limit : 2000;
  return page(entries, 0, limit);
}

function listFolderContinue(_ctx: DropboxRouteContext, request: DropboxRequest): unknown {
  const cursor = typeof request.args.cursor === 'string' ? request.args.cursor : '';
  let state: { entries: Array<Record<string, unknown>>; offset: number; limit: number };
  try {
    state = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof state;
  } catch {
    throw badInput('files/list_folder/continue', 'request body: cursor: invalid');
  }
  return page(state.entries, state.offset, state.limit);
}

// The cursor carries the remaining listing itself: the emulator keeps no per-cursor state.
function page(entries: Array<Record<string, unknown>>, offset: number, limit: number): unknown {
  const slice = entries.slice(offset, offset + limit);
  const hasMore = offset + limit < entries.length;
  const cursor = Buffer.from(JSON.stringify({ entries, offset: offset + limit, limit })).toString('base64url');
  return { entries: slice, cursor, has_more: hasMore };
}
