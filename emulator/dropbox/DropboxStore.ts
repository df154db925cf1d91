import { randomBytes } from 'node:crypto';
import { contentHash } from './contentHash.js';

/** A file in the emulated Dropbox. */
export interface StoredFile {
  id: string;
  name: string;
  pathDisplay: string;
  pathLower: string;
  bytes: Buffer;
  rev: string;
  /** ms on the emulator clock. */
  serverModified: number;
  clientModified: number;
  contentHash: string;
}

/** A link minted by files/get_temporary_link. */
export interface TemporaryLink {
  pathLower: string;
  /** The file's id when minted: a link serves that file, not whatever replaces it later. */
  fileId: string;
  expiresAt: number;
}

/** The emulated Dropbox account: files by lower-cased path, access tokens, temporary links. */
export class DropboxStore {
  readonly files = new Map<string, StoredFile>();
  /** Access token → expiry (ms). */
  readonly accessTokens = new Map<string, number>();
  readonly temporaryLinks = new Map<string, TemporaryLink>();
  #nextRev = 1;

  /** Stores bytes at `path` (replacing what is there) and returns the new file. */
  put(path: string, bytes: Buffer, now: number, clientModified?: number): StoredFile {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const file: StoredFile = {
      id: `id:${randomBytes(16).toString('base64url')}`, name, pathDisplay: path, pathLower: path.toLowerCase(), bytes,
      rev: (this.#nextRev++).toString(16).padStart(9, '0') + randomBytes(4).toString('hex'),
      serverModified: now, clientModified: clientModified ?? now, contentHash: contentHash(bytes),
    };
    this.files.set(file.pathLower, file);
    return file;
  }

  /** FileMetadata as the API returns it (without the `.tag`, as files/upload does). */
  static metadata(file: StoredFile): Record<string, unknown> {
    return {
      name: file.name, path_lower: file.pathLower, path_display: file.pathDisplay, id: file.id,
      client_modified: dropboxTime(file.clientModified), server_modified: dropboxTime(file.serverModified), rev: file.rev,
      size: file.bytes.length, is_downloadable: true, content_hash: file.contentHash,
    };
  }
}

/** Dropbox's timestamps: ISO 8601 to the second, UTC ("2026-01-05T09:30:00Z"). */
export function dropboxTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
