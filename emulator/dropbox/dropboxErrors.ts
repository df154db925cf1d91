import { DropboxApiError } from './DropboxApiError.js';

// Dropbox API v2 errors as the HTTP documentation and the SDK's types describe them
// (/work/shared/reference/instagram-graph-and-dropbox.md §2.6): 400 plain text, 401 AuthError,
// 409 endpoint errors with error_summary and error['.tag'], 429 RateLimitError with Retry-After.
// error_summary ends in "/.." or "/..." followed by a random suffix in real answers; clients must
// branch on error['.tag'], never on the summary.

/** 409 with a route error: `tags` is the path of tags, e.g. ['path', 'not_found'] for a LookupError under `path`. */
export function routeError(summary: string, error: Record<string, unknown>): DropboxApiError {
  return new DropboxApiError(409, { error_summary: `${summary}/..`, error });
}

/** 409 path/not_found (get_temporary_link, list_folder). */
export function pathNotFound(): DropboxApiError {
  return routeError('path/not_found', { '.tag': 'path', path: { '.tag': 'not_found' } });
}

/** 409 path_lookup/not_found (delete_v2). */
export function pathLookupNotFound(): DropboxApiError {
  return routeError('path_lookup/not_found', { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } });
}

/** 409 path/conflict/file (upload in add mode onto an existing file). */
export function uploadConflict(sessionId: string): DropboxApiError {
  return routeError('path/conflict/file', { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
    upload_session_id: sessionId });
}

/** 409 path/malformed_path (upload to a path that is not absolute). */
export function uploadMalformedPath(sessionId: string): DropboxApiError {
  return routeError('path/malformed_path', { '.tag': 'path', reason: { '.tag': 'malformed_path' }, upload_session_id: sessionId });
}

/** 409 path/insufficient_space (the operator's Dropbox is full). */
export function insufficientSpace(sessionId = 'pid_upload_session:emulated'): DropboxApiError {
  return routeError('path/insufficient_space', { '.tag': 'path', reason: { '.tag': 'insufficient_space' }, upload_session_id: sessionId });
}

/** 409 content_hash_mismatch (the upload's content_hash argument does not match the bytes). */
export function contentHashMismatch(): DropboxApiError {
  return routeError('content_hash_mismatch', { '.tag': 'content_hash_mismatch' });
}

/** 409 payload_too_large (over 150 MiB in one files/upload). */
export function payloadTooLarge(): DropboxApiError {
  return routeError('payload_too_large', { '.tag': 'payload_too_large' });
}

/** 401 expired_access_token: the short-lived token (4 h) ran out; refresh and retry. */
export function expiredAccessToken(): DropboxApiError {
  return new DropboxApiError(401, { error_summary: 'expired_access_token/..', error: { '.tag': 'expired_access_token' } });
}

/** 401 invalid_access_token. */
export function invalidAccessToken(): DropboxApiError {
  return new DropboxApiError(401, { error_summary: 'invalid_access_token/..', error: { '.tag': 'invalid_access_token' } });
}

/** 429 with Retry-After (seconds) and a RateLimitError body. */
export function tooManyRequests(retryAfterS = 1, reason: 'too_many_requests' | 'too_many_write_operations' = 'too_many_requests'): DropboxApiError {
  return new DropboxApiError(429, { error_summary: `${reason}/..`, error: { reason: { '.tag': reason }, retry_after: retryAfterS } },
    { 'retry-after': String(retryAfterS) });
}

/** 500 (Dropbox's trouble); retry. */
export function dropboxServerError(status = 500): DropboxApiError {
  return new DropboxApiError(status, 'Internal Server Error');
}

/** 400 plain text, Dropbox's answer to a request it cannot even parse. */
export function badInput(route: string, detail: string): DropboxApiError {
  return new DropboxApiError(400, `Error in call to API function "${route}": ${detail}`);
}

/** 400 invalid_grant: the refresh token is wrong, revoked or not a refresh token (often an auth code). */
export function invalidGrant(description = 'refresh token is invalid or revoked'): DropboxApiError {
  return new DropboxApiError(400, { error: 'invalid_grant', error_description: description });
}

/** 400 invalid_client: the app key or secret is wrong. */
export function invalidClient(): DropboxApiError {
  return new DropboxApiError(400, { error: 'invalid_client', error_description: 'Invalid client_id or client_secret' });
}
