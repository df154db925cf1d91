/**
 * A failed Dropbox call, normalised from the SDK's DropboxResponseError (or a transport
 * failure): the HTTP status, Dropbox's error tag (`error['.tag']`, what to branch on, or the
 * OAuth `error` of the token endpoint), its summary, and Retry-After for 429. Never holds a token.
 */
export class DropboxStorageError extends Error {
  /** HTTP status; 0 when no answer came (timeout, network). */
  readonly status: number;
  /** e.g. 'path', 'expired_access_token', 'invalid_grant', 'too_many_requests', 'timeout', 'network'. */
  readonly tag: string;
  /** Dropbox's error_summary, e.g. 'path/not_found/..'. */
  readonly summary: string | undefined;
  /** Seconds to wait before retrying (429), from Retry-After. */
  readonly retryAfterS: number | undefined;
  /** e.g. 'files/upload'. */
  readonly route: string;

  constructor(route: string, fields: { status: number; tag: string; summary?: string; retryAfterS?: number }, cause?: unknown) {
    super(`Dropbox ${route} failed: ${fields.status === 0 ? fields.tag : `${fields.status} ${fields.summary ?? fields.tag}`}`,
      cause === undefined ? undefined : { cause });
    this.name = 'DropboxStorageError';
    this.route = route;
    this.status = fields.status;
    this.tag = fields.tag;
    this.summary = fields.summary;
    this.retryAfterS = fields.retryAfterS;
  }

  /** Worth retrying later: 429, 5xx, or no answer. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}
