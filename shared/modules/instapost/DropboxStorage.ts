import { Dropbox, DropboxAuth, DropboxResponseError, type files } from 'dropbox';
import { DropboxStorageError } from './DropboxStorageError.js';

/** Dropbox's hosts: the production defaults of DROPBOX_API_ROOT and DROPBOX_CONTENT_ROOT. */
export const DEFAULT_DROPBOX_API_ROOT = 'https://api.dropboxapi.com';
export const DEFAULT_DROPBOX_CONTENT_ROOT = 'https://content.dropboxapi.com';

/** Options of {@link DropboxStorage}. */
export interface DropboxStorageOptions {
  /** DROPBOX_APP_KEY, DROPBOX_APP_SECRET, DROPBOX_REFRESH_TOKEN: the operator's app and its offline grant. */
  appKey: string;
  appSecret: string;
  refreshToken: string;
  /** DROPBOX_API_ROOT. @default 'https://api.dropboxapi.com' */
  apiRoot?: string;
  /** DROPBOX_CONTENT_ROOT. @default 'https://content.dropboxapi.com' */
  contentRoot?: string;
  /** Deadline of each call (uploads included), ms. @default 30000 */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** ms clock for token expiry. @default Date.now */
  clock?: () => number;
}

/** A file stored in Dropbox. */
export interface StoredFile {
  path: string;
  id: string;
  size: number;
  contentHash: string;
}

/** A file found by {@link DropboxStorage.listFiles}. */
export interface ListedFile {
  path: string;
  /** When Dropbox stored it (ms): the age key for retention. */
  serverModified: number;
  size: number;
}

// Refresh a little before expiry so that a call started just before it does not meet a 401
// (the SDK uses the same 5-minute margin).
const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/**
 * Where InstaPost keeps images for Instagram to fetch: the `dropbox` SDK with what it lacks.
 * - It builds `https://` URLs for the two fixed hosts only (its `domain` option cannot reach a
 *   plain-http emulator), so a custom `fetch` rewrites them to DROPBOX_API_ROOT/CONTENT_ROOT and
 *   gives every request a deadline (the SDK's token request has none).
 * - It refreshes the access token before a call but not after a 401, and parallel first calls
 *   each refresh: here one refresh is shared by every call waiting for it, and a 401
 *   expired/invalid token triggers one refresh and one retry.
 * Errors come out as {@link DropboxStorageError}.
 */
export class DropboxStorage {
  readonly #auth: DropboxAuth;
  readonly #dbx: Dropbox;
  readonly #clock: () => number;
  #expiresAt = 0;
  #refreshing: Promise<void> | undefined;
  /** Increases on every refresh, so a call that failed with an old token does not refresh again. */
  #generation = 0;

  constructor(options: DropboxStorageOptions) {
    const apiRoot = (options.apiRoot ?? DEFAULT_DROPBOX_API_ROOT).replace(/\/+$/, '');
    const contentRoot = (options.contentRoot ?? DEFAULT_DROPBOX_CONTENT_ROOT).replace(/\/+$/, '');
    const baseFetch = options.fetch ?? globalThis.fetch;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const rewritingFetch = (url: string, init: RequestInit = {}): Promise<Response> => {
      const target = url
        .replace(/^https:\/\/api\.dropboxapi\.com(?=\/)/, apiRoot)
        .replace(/^https:\/\/content\.dropboxapi\.com(?=\/)/, contentRoot);
      const deadline = AbortSignal.timeout(timeoutMs);
      // init is passed through otherwise untouched: it carries the body, headers and, for streams, duplex.
      return baseFetch(target, { ...init, signal: init.signal ? AbortSignal.any([init.signal, deadline]) : deadline });
    };
    this.#clock = options.clock ?? Date.now;
    this.#auth = new DropboxAuth({ clientId: options.appKey, clientSecret: options.appSecret, refreshToken: options.refreshToken,
      fetch: rewritingFetch });
    this.#dbx = new Dropbox({ auth: this.#auth, fetch: rewritingFetch });
  }

  /** Stores `bytes` at `path`, replacing what is there (a retried upload of the same post is harmless). */
  async upload(path: string, bytes: Buffer): Promise<StoredFile> {
    const { result } = await this.#call('files/upload', () =>
      this.#dbx.filesUpload({ path, contents: bytes, mode: { '.tag': 'overwrite' }, mute: true }));
    return { path: result.path_display ?? path, id: result.id, size: result.size, contentHash: result.content_hash ?? '' };
  }

  /** A link that serves the file's bytes directly for 4 hours (what Instagram's `image_url` gets). */
  async temporaryLink(path: string): Promise<string> {
    const { result } = await this.#call('files/get_temporary_link', () => this.#dbx.filesGetTemporaryLink({ path }));
    return result.link;
  }

  /** Deletes the file; 'not-found' when it is already gone (retention runs may overlap). */
  async delete(path: string): Promise<'deleted' | 'not-found'> {
    try {
      await this.#call('files/delete_v2', () => this.#dbx.filesDeleteV2({ path }));
      return 'deleted';
    } catch (error) {
      if (error instanceof DropboxStorageError && error.status === 409 && error.summary?.startsWith('path_lookup/not_found') === true) return 'not-found';
      throw error;
    }
  }

  /**
   * Every file under `folder` (recursively), following the listing's cursor; [] for a folder that
   * does not exist. `pageSize` is entries per call (Dropbox's default: up to 2,000).
   */
  async listFiles(folder: string, options: { pageSize?: number } = {}): Promise<ListedFile[]> {
    const files: ListedFile[] = [];
    let page: files.ListFolderResult;
    try {
      page = (await this.#call('files/list_folder', () => this.#dbx.filesListFolder({ path: folder, recursive: true, ...(options.pageSize === undefined ? {} : { limit: options.pageSize }) }))).result;
    } catch (error) {
      if (error instanceof DropboxStorageError && error.status === 409 && error.summary?.startsWith('path/not_found') === true) return [];
      throw error;
    }
    for (;;) {
      for (const entry of page.entries) {
        if (entry['.tag'] === 'file') {
          files.push({ path: entry.path_display ?? entry.name, serverModified: Date.parse(entry.server_modified), size: entry.size });
        }
      }
      if (!page.has_more) return files;
      const cursor = page.cursor;
      page = (await this.#call('files/list_folder/continue', () => this.#dbx.filesListFolderContinue({ cursor }))).result;
    }
  }

  /** Gets a fresh token now, e.g. before a fan-out of uploads (shared with concurrent callers). */
  async refreshToken(): Promise<void> {
    await this.#refresh(this.#generation);
  }

  async #call<T>(route: string, run: () => Promise<T>): Promise<T> {
    if (!this.#auth.getAccessToken() || this.#clock() >= this.#expiresAt - REFRESH_MARGIN_MS) {
      await this.#refresh(this.#generation);
    }
    const generation = this.#generation;
    try {
      return await run();
    } catch (error) {
      const failure = normalise(route, error);
      if (failure.status !== 401 || (failure.tag !== 'expired_access_token' && failure.tag !== 'invalid_access_token')) throw failure;
      // The token died early (revoked, or the clock was off): one refresh, one retry.
      await this.#refresh(generation);
      try {
        return await run();
      } catch (retryError) {
        throw normalise(route, retryError);
      }
    }
  }

  /**
   * Refreshes unless a refresh newer than `seenGeneration` already happened; concurrent callers
   * share the one in flight.
   */
  async #refresh(seenGeneration: number): Promise<void> {
    if (this.#generation > seenGeneration && this.#refreshing === undefined) return;
    this.#refreshing ??= (async () => {
      try {
        await this.#auth.refreshAccessToken();
        const expiresAt = this.#auth.getAccessTokenExpiresAt();
        this.#expiresAt = expiresAt instanceof Date ? this.#clock() + (expiresAt.getTime() - Date.now()) : this.#clock() + 14_400_000;
        this.#generation++;
      } catch (error) {
        throw normalise('oauth2/token', error);
      } finally {
        this.#refreshing = undefined;
      }
    })();
    await this.#refreshing;
  }
}

function normalise(route: string, error: unknown): DropboxStorageError {
  if (error instanceof DropboxStorageError) return error;
  if (error instanceof DropboxResponseError) {
    const body = error.error as { error_summary?: unknown; error?: unknown } | string | undefined;
    const summary = typeof body === 'object' && body !== null && typeof body.error_summary === 'string' ? body.error_summary : undefined;
    const inner = typeof body === 'object' && body !== null ? body.error : undefined;
    // Route errors carry error['.tag']; the token endpoint answers OAuth's {"error": "invalid_grant"}.
    const tag = typeof inner === 'string' ? inner
      : typeof inner === 'object' && inner !== null && typeof (inner as { '.tag'?: unknown })['.tag'] === 'string'
        ? (inner as { '.tag': string })['.tag']
        : typeof inner === 'object' && inner !== null && 'reason' in inner ? String((inner as { reason: { '.tag'?: string } }).reason['.tag'])
          : `http_${error.status}`;
    const retryAfter = Number((error.headers as Headers | undefined)?.get?.('retry-after'));
    return new DropboxStorageError(route, { status: error.status, tag, ...(summary === undefined ? {} : { summary }),
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterS: retryAfter } : {}) });
  }
  const timeout = error instanceof Error && (error.name === 'TimeoutError' || (error.cause instanceof Error && error.cause.name === 'TimeoutError'));
  return new DropboxStorageError(route, { status: 0, tag: timeout ? 'timeout' : 'network' }, error);
}
