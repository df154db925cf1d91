/**
 * An error answer of the Dropbox emulator: status, body (JSON for route errors, plain text for
 * "Bad input parameter" 400s, as Dropbox sends them) and extra headers (Retry-After on 429).
 */
export class DropboxApiError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;

  constructor(status: number, body: unknown, headers: Record<string, string> = {}) {
    super(typeof body === 'string' ? body : `Dropbox ${status}: ${JSON.stringify(body)}`);
    this.name = 'DropboxApiError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}
